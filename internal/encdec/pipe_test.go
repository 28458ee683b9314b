package encdec

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func pipeCap(t *testing.T, f *os.File) int {
	t.Helper()
	n, err := unix.FcntlInt(f.Fd(), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWidenPipes: ncenc and ncdec raise the pipes on their stdin and stdout to pipeSize,
// except as ncl --each handlers, and leave anything that is not a pipe alone.
func TestWidenPipes(t *testing.T) {
	if b, err := os.ReadFile("/proc/sys/fs/pipe-max-size"); err == nil && len(b) > 0 {
		var max int
		if _, err := fmt.Sscan(string(b), &max); err == nil && max < pipeSize {
			t.Skipf("pipe-max-size %d is under %d", max, pipeSize)
		}
	}
	for _, peer := range []bool{false, true} {
		if peer {
			t.Setenv("NCL_PEER", "127.0.0.1:1")
		}
		inR, inW, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		outR, outW, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		before := pipeCap(t, inR)
		inW.Close()
		done := make(chan struct{})
		go func() { _, _ = io.Copy(io.Discard, outR); close(done) }()
		code := Ncenc(append([]string{"ncenc", "-pass", "pass:pw"}, fast...), inR, outW, io.Discard)
		in, out := pipeCap(t, inR), pipeCap(t, outW)
		outW.Close()
		<-done
		inR.Close()
		outR.Close()
		want := pipeSize
		if peer {
			want = before
		}
		if code != 0 || in != want || out != want {
			t.Errorf("NCL_PEER set %v: exit %d, stdin pipe %d, stdout pipe %d bytes, want %d", peer, code, in, out, want)
		}
	}
	// A regular file is no pipe: nothing happens to it, nothing fails.
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	widenPipes(f, os.Stdin, nil, io.Discard)
}
