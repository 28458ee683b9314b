package encdec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
	return &outFile{File: f, path: path, tmp: f.Name(), mode: mode}, nil
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
	}
}

func umask() fs.FileMode {
	// There is no way to read the umask without setting it; nothing else runs yet.
	m := syscall.Umask(0)
	syscall.Umask(m)
	return fs.FileMode(m)
}
