package netcat

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// umaskMu serialises the umask changes of listenUnix within the process.
var umaskMu sync.Mutex

// listenUnix creates the unix socket with exactly cfg.mode (0600 unless --socket-mode
// widens it), whatever the umask.
func listenUnix(cfg *config) (net.Listener, error) {
	var ln net.Listener
	err := withMode(cfg.mode, func() (err error) {
		ln, err = net.Listen(cfg.network, cfg.addr)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %s", cfg.addr, cause(err))
	}
	return ln, nil
}

// withMode runs create with the umask that gives a new socket file exactly mode, so its
// permissions are right from the moment it exists: no window where another user may
// connect. The umask is the process's; nothing else creates files meanwhile.
func withMode(mode os.FileMode, create func() error) error {
	umaskMu.Lock()
	defer umaskMu.Unlock()
	old := syscall.Umask(int(0o777 &^ mode))
	defer syscall.Umask(old)
	return create()
}

// checkSocketPath refuses to replace a live unix socket or any other file. A socket file
// that nobody listens on any more (its listener died) is removed, so ncl can listen.
func checkSocketPath(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil // nothing there (or the listen itself reports why it cannot be)
	}
	if fi.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("listen on %s: file exists and is not a socket", path)
	}
	if err := checkNotListening(path, fi); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("listen on %s: remove stale socket: %s", path, cause(err))
	}
	return nil
}

// checkNotListening fails if a process may listen on the socket file fi (at path). It
// looks in /proc/net/unix rather than connecting: a test connection would be taken by a
// listener like ncl as its one connection. Entries are matched by file identity, not by
// spelling, so dir/../dir/s or a symlinked directory is recognised. An entry bound under a
// relative name cannot be placed; one with the same base name may be this socket, so it
// is refused rather than replaced.
func checkNotListening(path string, fi os.FileInfo) error {
	table, err := os.ReadFile("/proc/net/unix")
	if err != nil {
		return fmt.Errorf("listen on %s: socket file exists; cannot tell whether it is live: %s", path, cause(err))
	}
	for _, line := range strings.Split(string(table), "\n")[1:] {
		// Num RefCount Protocol Flags Type St Inode Path; Flags 00010000 = listening
		f := strings.Fields(line)
		if len(f) < 8 || f[3] != "00010000" {
			continue
		}
		p := strings.Join(f[7:], " ")
		switch {
		case strings.HasPrefix(p, "@"):
			// abstract name: no file
		case filepath.IsAbs(p):
			if st, err := os.Stat(p); err == nil && os.SameFile(st, fi) {
				return fmt.Errorf("listen on %s: address already in use", path)
			}
		case filepath.Base(p) == filepath.Base(path):
			if ownerCwdHas(f[6], p, fi) {
				return fmt.Errorf("listen on %s: address already in use", path)
			}
			return fmt.Errorf("listen on %s: address may be in use: a process listens on %q, bound under a relative name; remove the file if it is stale", path, p)
		}
	}
	return nil
}

// ownerCwdHas reports whether the process holding the socket with inode ino has, under
// its current directory, the relative path rel naming the file fi. Only a yes is certain
// (the process may have changed directory since it bound rel), so a no never makes the
// socket count as stale.
func ownerCwdHas(ino, rel string, fi os.FileInfo) bool {
	want := "socket:[" + ino + "]"
	fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range fds {
		if link, err := os.Readlink(fd); err == nil && link == want {
			proc := filepath.Dir(filepath.Dir(fd))
			st, err := os.Stat(filepath.Join(proc, "cwd", rel))
			return err == nil && os.SameFile(st, fi)
		}
	}
	return false
}
