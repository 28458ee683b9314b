package encdec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
)

// outFile is the -out file. A regular file (or a new one) is written under a temporary
// name in the same directory and renamed over the target only on success, so a failed
// decryption never leaves plaintext behind under that name, nor destroys what was there.
// Only what cannot be replaced that way is written in place: an existing device, FIFO or
// socket (-out /dev/null, a named pipe, /dev/stdout on a pipe or a terminal), and a name for
// one of this process's open descriptors (/dev/stdout, /dev/fd/N, /proc/self/fd/N), which
// is the descriptor, whatever it leads to: `-out /dev/stdout >file` is stdout, streamed as
// stdout would be. Otherwise the file type decides, after following symbolic links, never
// the path: /dev/shm, for one, holds regular files. A symbolic link to a regular file is
// followed, so the file it points to is replaced.
type outFile struct {
	*os.File
	path string
	tmp  string      // "" when written in place
	mode fs.FileMode // the mode the result gets
	done chan struct{}
	stop func() // closes done, once
}

func createOutput(path string) (*outFile, error) {
	// Stat follows every link, /proc's magic ones (/dev/stdout) included, which
	// EvalSymlinks cannot resolve to a name when they lead to a pipe or a socket.
	fi, err := os.Stat(path)
	if err == nil && (!fi.Mode().IsRegular() || isDescriptor(path)) {
		return inPlace(path)
	}
	if real, rerr := filepath.EvalSymlinks(path); rerr == nil {
		path = real
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

// descriptorName matches the names of an open descriptor of this process.
var descriptorName = regexp.MustCompile(`^/(dev/fd|proc/(self|thread-self|[0-9]+)(/task/[0-9]+)?/fd)/[0-9]+$`)

// isDescriptor reports whether path, or a symbolic link it leads through as its last
// component, names one of the process's open descriptors (/dev/stdout -> /proc/self/fd/1).
func isDescriptor(path string) bool {
	p, err := filepath.Abs(path)
	for hops := 0; err == nil && hops < 40; hops++ {
		if descriptorName.MatchString(p) {
			return true
		}
		var fi fs.FileInfo
		if fi, err = os.Lstat(p); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return false
		}
		var target string
		if target, err = os.Readlink(p); err != nil {
			return false
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		p = filepath.Clean(target)
	}
	return false
}

// inPlace opens an existing device, FIFO, socket or descriptor for writing.
func inPlace(path string) (*outFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
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
