package relay

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
	"time"
)

// pair returns the two ends of a real loopback TCP connection.
func pair(t *testing.T) (a, b *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c.(*net.TCPConn), s.(*net.TCPConn)
}

// run starts Relay in a goroutine and returns the channel of its result.
func run(conn net.Conn, in *Input, out io.Writer, o Options) <-chan error {
	done := make(chan error, 1)
	go func() { done <- Relay(conn, in, out, o) }()
	return done
}

func wait(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("relay did not end")
		return nil
	}
}

func random(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBoundaries sends stdin of awkward lengths, read in awkward pieces, and checks that
// the peer gets every byte (the lost-final-buffer bug: 4097 bytes must arrive as 4097).
func TestBoundaries(t *testing.T) {
	readers := map[string]func(io.Reader) io.Reader{
		"plain":   func(r io.Reader) io.Reader { return r },
		"onebyte": iotest.OneByteReader,
		"half":    iotest.HalfReader,
		"dataerr": iotest.DataErrReader,
	}
	for _, n := range []int{0, 1, 4095, 4096, 4097, BufSize - 1, BufSize, BufSize + 1, 3*BufSize + 7} {
		for name, wrap := range readers {
			if name == "onebyte" && n > 5000 {
				continue
			}
			data := random(t, n)
			c, s := pair(t)
			got := make(chan []byte, 1)
			go func() {
				b, _ := io.ReadAll(s)
				got <- b
				s.Close()
			}()
			err := wait(t, run(c, NewInput(wrap(bytes.NewReader(data))), io.Discard, Options{HalfClose: true, Quit: -1}))
			if err != nil {
				t.Fatalf("%s %d: %v", name, n, err)
			}
			if b := <-got; !bytes.Equal(b, data) {
				t.Fatalf("%s %d: peer got %d bytes, want %d", name, n, len(b), n)
			}
		}
	}
}

// TestListenerEndsAtPeerFIN: nc -l ends when the peer's data ends, even though its own
// stdin is still open.
func TestListenerEndsAtPeerFIN(t *testing.T) {
	c, s := pair(t)
	stdin, _ := io.Pipe() // never written, never closed
	var out bytes.Buffer
	done := run(s, NewInput(stdin), &out, Options{Listen: true, Quit: -1})
	c.Write([]byte("hello\n"))
	c.CloseWrite()
	if err := wait(t, done); err != nil {
		t.Fatal(err)
	}
	if out.String() != "hello\n" {
		t.Fatalf("out = %q", out.String())
	}
}

// TestConnectorWaitsForStdin: nc (client) ends only when both stdin and the network have
// ended; the server closing first does not end it.
func TestConnectorWaitsForStdin(t *testing.T) {
	c, s := pair(t)
	stdinR, stdinW := io.Pipe()
	outR, outW := io.Pipe()
	done := run(c, NewInput(stdinR), outW, Options{Quit: -1})
	s.Write([]byte("bye"))
	s.CloseWrite()
	b := make([]byte, 3)
	if _, err := io.ReadFull(outR, b); err != nil || string(b) != "bye" {
		t.Fatalf("out = %q, %v", b, err)
	}
	select {
	case err := <-done:
		t.Fatalf("relay ended with stdin open: %v", err)
	default:
	}
	stdinW.Write([]byte("late"))
	stdinW.Close()
	if err := wait(t, done); err != nil {
		t.Fatal(err)
	}
	c.Close() // Relay leaves closing to its caller
	got, _ := io.ReadAll(s)
	if string(got) != "late" {
		t.Fatalf("server got %q after its FIN, want %q", got, "late")
	}
}

// TestNoFINWithoutHalfClose: without -N, EOF on stdin sends nothing; the peer only sees
// the end when the relay ends and the caller closes.
func TestNoFINWithoutHalfClose(t *testing.T) {
	c, s := pair(t)
	done := run(c, NewInput(strings.NewReader("x")), io.Discard, Options{Quit: -1})
	b := make([]byte, 2)
	n, _ := s.Read(b)
	s.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := s.Read(b); !errors.Is(err, syscall.EAGAIN) && !isTimeout(err) {
		t.Fatalf("peer read after the data = %v, want a timeout (no FIN)", err)
	}
	if n != 1 {
		t.Fatalf("peer got %d bytes", n)
	}
	s.Close()
	if err := wait(t, done); err != nil {
		t.Fatal(err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestDeliverAfterEarlyFIN: the case where nc truncates. The peer half-closes at once; a
// listener whose stdin is a payload still sends all of it.
func TestDeliverAfterEarlyFIN(t *testing.T) {
	data := random(t, 4<<20)
	c, s := pair(t)
	c.CloseWrite()
	got := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(c); got <- b }()
	err := wait(t, run(s, NewInput(bytes.NewReader(data)), io.Discard, Options{Listen: true, HalfClose: true, Deliver: true, Quit: -1}))
	if err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, data) {
		t.Fatalf("peer got %d of %d bytes", len(b), len(data))
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, syscall.EPIPE }

// TestUndelivered: a failed stdout write is reported, never swallowed.
func TestUndelivered(t *testing.T) {
	c, s := pair(t)
	c.Write([]byte("data"))
	err := wait(t, run(s, nil, failWriter{}, Options{Listen: true, Quit: -1}))
	if !errors.Is(err, ErrUndelivered) || !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("err = %v, want ErrUndelivered wrapping EPIPE", err)
	}
}

// TestPeerReset: a reset is an error (nc exits 0 here).
func TestPeerReset(t *testing.T) {
	c, s := pair(t)
	c.Write([]byte("partial"))
	c.SetLinger(0)
	c.Close()
	err := wait(t, run(s, nil, io.Discard, Options{Listen: true, Quit: -1}))
	if !errors.Is(err, ErrRecv) {
		t.Fatalf("err = %v, want ErrRecv", err)
	}
}

func TestIdleAndQuit(t *testing.T) {
	c, _ := pair(t)
	stdin, _ := io.Pipe()
	if err := wait(t, run(c, NewInput(stdin), io.Discard, Options{Quit: -1, Idle: 50 * time.Millisecond})); !errors.Is(err, ErrIdle) {
		t.Fatalf("idle: err = %v, want ErrIdle", err)
	}
	c2, s2 := pair(t)
	err := wait(t, run(c2, NewInput(strings.NewReader("q")), io.Discard, Options{HalfClose: true, Quit: 10 * time.Millisecond}))
	if err != nil {
		t.Fatalf("quit: %v", err)
	}
	if b, _ := io.ReadAll(s2); string(b) != "q" {
		t.Fatalf("quit: peer got %q", b)
	}
}

// TestSharedInput: with -k, connections take turns on one stdin; none loses a chunk.
func TestSharedInput(t *testing.T) {
	stdinR, stdinW := io.Pipe()
	in := NewInput(stdinR)
	for i, msg := range []string{"first", "second"} {
		c, s := pair(t)
		done := run(s, in, io.Discard, Options{Listen: true, Quit: -1})
		stdinW.Write([]byte(msg))
		b := make([]byte, len(msg))
		if _, err := io.ReadFull(c, b); err != nil || string(b) != msg {
			t.Fatalf("connection %d got %q, %v", i, b, err)
		}
		c.Close()
		if err := wait(t, done); err != nil {
			t.Fatal(err)
		}
	}
}

// TestNotTaken: with -N, data written after the peer closed succeeds locally, but the peer
// answers it with a reset; success needs the peer to have acknowledged everything.
func TestNotTaken(t *testing.T) {
	c, s := pair(t)
	stdinR, stdinW := io.Pipe()
	done := run(c, NewInput(stdinR), io.Discard, Options{HalfClose: true, Quit: -1})
	s.Close() // the peer is gone: its FIN, and a reset for anything sent later
	stdinW.Write([]byte("second"))
	stdinW.Close()
	if err := wait(t, done); !errors.Is(err, ErrSend) || !errors.Is(err, ErrNotTaken) {
		t.Fatalf("err = %v, want ErrSend and ErrNotTaken", err)
	}

	// A peer that takes everything and then closes: success.
	c, s = pair(t)
	done = run(c, NewInput(strings.NewReader("all")), io.Discard, Options{HalfClose: true, Quit: -1})
	if b, _ := io.ReadAll(s); string(b) != "all" {
		t.Fatalf("peer got %q", b)
	}
	s.Close()
	if err := wait(t, done); err != nil {
		t.Fatalf("clean close: %v", err)
	}
}

// slowWriter takes its time, like a stdout whose reader is busy.
type slowWriter struct {
	delay time.Duration
	buf   bytes.Buffer
}

func (w *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(w.delay)
	return w.buf.Write(p)
}

// TestIdleNotWhileWriting: time spent blocked writing stdout is not idle time, so -w does
// not end a transfer (exit 0, data dropped) while stdout is merely slow.
func TestIdleNotWhileWriting(t *testing.T) {
	c, s := pair(t)
	c.Write([]byte("data"))
	c.CloseWrite()
	out := &slowWriter{delay: 300 * time.Millisecond}
	if err := wait(t, run(s, nil, out, Options{Listen: true, Quit: -1, Idle: 50 * time.Millisecond})); err != nil {
		t.Fatalf("err = %v, want nil", err)
	}
	if out.buf.String() != "data" {
		t.Fatalf("stdout got %q", out.buf.String())
	}
}
