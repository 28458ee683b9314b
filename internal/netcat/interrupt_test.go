package netcat

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestInterrupt: a signal resets the live connections, so the peer sees an error rather
// than a FIN that would pass a cut transfer for a complete one; it removes the -U socket
// file, prints one line and returns 128 + the signal.
func TestInterrupt(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "s")
	os.WriteFile(sock, nil, 0o600)

	var stderr bytes.Buffer
	lv := newLive("ncl", &stderr)
	lv.add(conn)
	cmd := exec.Command("sleep", "60") // an --each command, in its own process group
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lv.addProc(cmd.Process)
	lv.socketFile(sock)
	if code := lv.interrupt(syscall.SIGINT); code != 130 {
		t.Errorf("exit status %d, want 130", code)
	}
	if got := stderr.String(); got != "ncl: interrupted: connection reset, transfer incomplete\n" {
		t.Errorf("stderr %q", got)
	}
	if _, err := io.ReadAll(peer); !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("peer read: %v, want connection reset", err)
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("socket file left behind: %v", err)
	}
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "terminated") {
		t.Errorf("--each command: %v, want terminated by a signal", err)
	}

	// No connection live: nothing was cut.
	stderr.Reset()
	lv = newLive("ncc", &stderr)
	done := lv.add(conn)
	done()
	if code := lv.interrupt(syscall.SIGTERM); code != 143 || stderr.String() != "ncc: interrupted\n" {
		t.Errorf("idle: %d %q", code, stderr.String())
	}
}
