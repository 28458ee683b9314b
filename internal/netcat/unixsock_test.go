package netcat

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUnixSocket(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s")
	_, done := startListen(t, strings.NewReader("pong"), "-N", "-U", path)

	// A live socket is never replaced.
	var stderr bytes.Buffer
	if code := Listen([]string{"ncl", "-U", path}, nil, io.Discard, &stderr); code != 1 || stderr.String() != "ncl: listen on "+path+": address already in use\n" {
		t.Errorf("live socket: %d %q", code, stderr.String())
	}
	if c := runNcc("ping", "-N", "-U", path); c.code != 0 || c.stdout != "pong" {
		t.Errorf("ncc -U: %+v", c)
	}
	if l := get(t, done); l.code != 0 || l.stdout != "ping" {
		t.Errorf("ncl -U: %+v", l)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("socket file left behind: %v", err)
	}

	// A stale socket (its listener died without removing it) is replaced.
	ul, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ul.SetUnlinkOnClose(false)
	ul.Close()
	_, done = startListen(t, strings.NewReader(""), "-U", path)
	runNcc("", "-N", "-U", path)
	if l := get(t, done); l.code != 0 {
		t.Errorf("stale socket: %+v", l)
	}

	// Anything else at the path is refused.
	os.WriteFile(path, nil, 0o600)
	stderr.Reset()
	if code := Listen([]string{"ncl", "-U", path}, nil, io.Discard, &stderr); code != 1 || stderr.String() != "ncl: listen on "+path+": file exists and is not a socket\n" {
		t.Errorf("regular file: %d %q", code, stderr.String())
	}
}

// TestUnixLiveByIdentity: a live socket is recognised whatever the spelling of its path
// (dir/../dir/s, a symlinked directory), and one bound under a relative name is refused
// rather than probed by connecting, which a live ncl would take as its one connection.
func TestUnixLiveByIdentity(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o700)
	os.Symlink(sub, filepath.Join(dir, "link"))
	path := filepath.Join(sub, "s")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, spelling := range []string{
		filepath.Join(sub, "..", "sub", "s"),
		filepath.Join(dir, "link", "s"),
	} {
		var stderr bytes.Buffer
		code := Listen([]string{"ncl", "-U", spelling}, nil, io.Discard, &stderr)
		if code != 1 || stderr.String() != "ncl: listen on "+spelling+": address already in use\n" {
			t.Errorf("%s: %d %q", spelling, code, stderr.String())
		}
	}
	if _, err := os.Lstat(path); err != nil {
		t.Fatalf("live socket removed: %v", err)
	}

	// Bound under a relative name: placed through its owner's current directory (here our
	// own), refused, and never connected to.
	t.Chdir(sub)
	rel, err := net.Listen("unix", "r.sock")
	if err != nil {
		t.Fatal(err)
	}
	defer rel.Close()
	var stderr bytes.Buffer
	abs := filepath.Join(sub, "r.sock")
	code := Listen([]string{"ncl", "-U", abs}, nil, io.Discard, &stderr)
	if code != 1 || stderr.String() != "ncl: listen on "+abs+": address already in use\n" {
		t.Errorf("relative binder: %d %q", code, stderr.String())
	}
	rel.(*net.UnixListener).SetDeadline(time.Now())
	if c, err := rel.Accept(); err == nil {
		c.Close()
		t.Errorf("ncl connected to the live socket to test it")
	}

	// Its owner moved to another directory since binding: it cannot be placed, so it may
	// be this socket; refused all the same, and the file is kept.
	t.Chdir(dir)
	stderr.Reset()
	code = Listen([]string{"ncl", "-U", abs}, nil, io.Discard, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), `address may be in use: a process listens on "r.sock"`) {
		t.Errorf("unplaceable binder: %d %q", code, stderr.String())
	}
	if _, err := os.Lstat(abs); err != nil {
		t.Errorf("live socket removed: %v", err)
	}
}
