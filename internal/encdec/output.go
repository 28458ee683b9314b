package encdec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// outFile is the -out file. A regular file (or a new one) is written under a temporary
// name in the same directory and renamed over the target only on success, so a failed
// decryption never leaves plaintext behind under that name, nor destroys what was there.
// Devices, FIFOs and anything under /dev or /proc (-out /dev/stdout, a named pipe) are
// written in place; a symbolic link is followed, so the file it points to is replaced.
type outFile struct {
	*os.File
	path string
	tmp  string      // "" when written in place
	mode fs.FileMode // the mode the result gets
	done chan struct{}
	stop func() // closes done, once
}

func createOutput(path string) (*outFile, error) {
	if abs, err := filepath.Abs(path); err == nil && (strings.HasPrefix(abs, "/dev/") || strings.HasPrefix(abs, "/proc/")) {
		return inPlace(path)
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	fi, err := os.Stat(path)
	if err == nil && !fi.Mode().IsRegular() {
		return inPlace(path)
	}
	var mode fs.FileMode
	switch {
	case err == nil:
		mode = fi.Mode().Perm() // keep an existing file's permissions, as truncating would
	case errors.Is(err, fs.ErrNotExist):
		mode = 0o666 &^ umask()
	default:
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	o := &outFile{File: f, path: path, tmp: f.Name(), mode: mode, done: make(chan struct{})}
	o.stop = sync.OnceFunc(func() { close(o.done) })
	// Killed meanwhile (Ctrl-C, a pipeline torn down), leave no temporary file behind.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case s := <-sigs:
			_ = os.Remove(o.tmp)
			signal.Reset(s)
			_ = syscall.Kill(os.Getpid(), s.(syscall.Signal))
		case <-o.done:
			signal.Stop(sigs)
		}
	}()
	return o, nil
}

func inPlace(path string) (*outFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return nil, err
	}
	return &outFile{File: f, path: path}, nil
}

// commit puts the finished output in place.
func (o *outFile) commit() error {
	if o.tmp == "" {
		return o.Close()
	}
	defer o.stop()
	if err := o.Sync(); err != nil {
		o.abort()
		return err
	}
	if err := o.Chmod(o.mode); err != nil {
		o.abort()
		return err
	}
	if err := o.Close(); err != nil {
		o.abort()
		return err
	}
	if err := os.Rename(o.tmp, o.path); err != nil {
		_ = os.Remove(o.tmp)
		return fmt.Errorf("%s: %w", o.path, err)
	}
	return nil
}

// abort throws the output away.
func (o *outFile) abort() {
	_ = o.Close()
	if o.tmp != "" {
		_ = os.Remove(o.tmp)
		o.stop()
	}
}

func umask() fs.FileMode {
	// There is no way to read the umask without setting it; nothing else runs yet.
	m := syscall.Umask(0)
	syscall.Umask(m)
	return fs.FileMode(m)
}
