package netcat

import (
	"bytes"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// watched is a writer whose content can be waited on (for ncl's -v lines).
type watched struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{}
}

func newWatched() *watched { return &watched{written: make(chan struct{}, 1)} }

func (w *watched) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case w.written <- struct{}{}:
	default:
	}
	return w.buf.Write(p)
}

func (w *watched) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// waitFor waits until the content matches re and returns the first submatch.
func (w *watched) waitFor(t *testing.T, re string) string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(10 * time.Second)
	for {
		if m := rx.FindStringSubmatch(w.String()); m != nil {
			return m[len(m)-1]
		}
		select {
		case <-w.written:
		case <-deadline:
			t.Fatalf("no %q in %q", re, w.String())
		}
	}
}

type result struct {
	code           int
	stdout, stderr string
}

// startListen runs ncl in-process and returns its announced address and its result.
func startListen(t *testing.T, stdin io.Reader, args ...string) (addr string, done <-chan result) {
	t.Helper()
	addr, done, _ = startListenOut(t, stdin, args...)
	return addr, done
}

// startListenOut is startListen that also gives ncl's stdout while it runs.
func startListenOut(t *testing.T, stdin io.Reader, args ...string) (string, <-chan result, *watched) {
	t.Helper()
	ch := make(chan result, 1)
	stdout, stderr := newWatched(), newWatched()
	go func() {
		code := Listen(append([]string{"ncl", "-vn"}, args...), stdin, stdout, stderr)
		ch <- result{code, stdout.String(), stderr.String()}
	}()
	return announced(stderr.waitFor(t, `(?m)^(?:Listening|Bound) on (.+)$`)), ch, stdout
}

// announced is the address in nc's "Listening on HOST PORT" (host:port), or the path.
func announced(s string) string {
	if host, port, ok := strings.Cut(s, " "); ok {
		return net.JoinHostPort(host, port)
	}
	return s
}

func runNcc(stdin string, args ...string) result {
	var stdout, stderr bytes.Buffer
	code := Connect(append([]string{"ncc"}, args...), strings.NewReader(stdin), &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

func hostPort(t *testing.T, addr string) (string, string) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return h, p
}

func get(t *testing.T, done <-chan result) result {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("ncl did not end")
		return result{}
	}
}

// TestTransfer: text both ways, with nc's end-of-stream rules: ncc -N sends its FIN after
// stdin, ncl ends at that FIN, ncc ends when ncl closed. ncl has -N so that its piped
// stdin is delivered whole even if ncc's FIN arrives first (otherwise a race, by nc's rule).
func TestTransfer(t *testing.T) {
	addr, done := startListen(t, strings.NewReader("from ncl\n"), "-N", "127.0.0.1", "0")
	h, p := hostPort(t, addr)
	c := runNcc("from ncc\n", "-N", h, p)
	l := get(t, done)
	if c.code != 0 || c.stdout != "from ncl\n" || c.stderr != "" {
		t.Errorf("ncc: %+v", c)
	}
	if l.code != 0 || l.stdout != "from ncc\n" || !strings.Contains(l.stderr, "Connection received on 127.0.0.1 ") {
		t.Errorf("ncl: %+v", l)
	}
}

// TestFlagAfterOperands: `ncc host port -N` means -N, as with nc.
func TestFlagAfterOperands(t *testing.T) {
	addr, done := startListen(t, strings.NewReader(""), "127.0.0.1", "0")
	h, p := hostPort(t, addr)
	if c := runNcc("x", h, p, "-N"); c.code != 0 {
		t.Errorf("ncc: %+v", c)
	}
	if l := get(t, done); l.code != 0 || l.stdout != "x" {
		t.Errorf("ncl: %+v", l)
	}
}

func TestRefusedAndRetry(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, p := hostPort(t, ln.Addr().String())
	ln.Close()
	c := runNcc("", "127.0.0.1", p)
	if c.code != 1 || c.stderr != "ncc: connect to 127.0.0.1:"+p+": connection refused\n" {
		t.Errorf("refused: %+v", c)
	}
	if c := runNcc("", "-z", "127.0.0.1", p); c.code != 1 || c.stderr != "" {
		t.Errorf("-z refused: %+v", c)
	}

	// --retry: the sender starts before its receiver and loses nothing.
	sent := make(chan result, 1)
	go func() { sent <- runNcc("early\n", "-N", "--retry", "10", "127.0.0.1", p) }()
	_, done := startListen(t, strings.NewReader(""), "127.0.0.1", p)
	if c := <-sent; c.code != 0 {
		t.Errorf("--retry: %+v", c)
	}
	if l := get(t, done); l.stdout != "early\n" {
		t.Errorf("--retry: ncl got %+v", l)
	}
}

func TestAddressInUse(t *testing.T) {
	addr, done := startListen(t, strings.NewReader(""), "127.0.0.1", "0")
	h, p := hostPort(t, addr)
	var stderr bytes.Buffer
	code := Listen([]string{"ncl", h, p}, strings.NewReader(""), io.Discard, &stderr)
	if code != 1 || stderr.String() != "ncl: listen on "+addr+": address already in use\n" {
		t.Errorf("second listener: %d %q", code, stderr.String())
	}
	runNcc("", "-N", h, p)
	get(t, done)
}

// TestKeep: ncl -k serves connections one after another, each one's bytes whole.
func TestKeep(t *testing.T) {
	addr, done, stdout := startListenOut(t, strings.NewReader(""), "-k", "127.0.0.1", "0")
	h, p := hostPort(t, addr)
	var want strings.Builder
	for i := range 20 {
		msg := strings.Repeat(string(rune('a'+i)), 1000) + "\n"
		want.WriteString(msg)
		if c := runNcc(msg, "-N", h, p); c.code != 0 {
			t.Fatalf("connection %d: %+v", i, c)
		}
	}
	// Connections are served in turn: once the next one is served, the previous one's
	// bytes are all out.
	runNcc("", "-N", h, p)
	if got := stdout.String(); got != want.String() {
		t.Errorf("ncl -k wrote %d bytes, want %d in order", len(got), want.Len())
	}
	select {
	case r := <-done:
		t.Fatalf("ncl -k ended: %+v", r)
	default:
	}
}

// TestEach: --each runs the command per connection with the peer's bytes and NCL_PEER,
// and the sender's ncc -N returns 0 only when the command succeeded.
func TestEach(t *testing.T) {
	addr, done := startListen(t, nil, "--each", `tr a-z A-Z; echo " $NCL_PEER" | sed "s/:[0-9]*$//"`, "127.0.0.1", "0")
	h, p := hostPort(t, addr)
	if c := runNcc("hello", "-N", h, p); c.code != 0 {
		t.Errorf("ncc: %+v", c)
	}
	if l := get(t, done); l.code != 0 || l.stdout != "HELLO 127.0.0.1\n" {
		t.Errorf("ncl: %+v", l)
	}

	addr, done = startListen(t, nil, "--each", "cat >/dev/null; exit 3", "127.0.0.1", "0")
	h, p = hostPort(t, addr)
	if c := runNcc("hello", "-N", h, p); c.code != 1 {
		t.Errorf("failing command: ncc %+v, want exit 1", c)
	}
	if l := get(t, done); l.code != 1 || !strings.Contains(l.stderr, "command failed (exit status 3); connection reset") {
		t.Errorf("failing command: ncl %+v", l)
	}
}

func TestUDP(t *testing.T) {
	addr, done := startListen(t, strings.NewReader("reply\n"), "-u", "-w", "0.5", "127.0.0.1", "0")
	h, p := hostPort(t, addr)
	c := runNcc("hello\n", "-u", "-w", "0.5", h, p)
	l := get(t, done)
	if c.code != 0 || c.stdout != "reply\n" {
		t.Errorf("ncc -u: %+v", c)
	}
	if l.code != 0 || l.stdout != "hello\n" {
		t.Errorf("ncl -u: %+v", l)
	}
}

// TestEachUnread: a command that exits without reading all the peer's data makes ncl reset
// the connection, whether the rest sat in the pipe or was still on the network.
func TestEachUnread(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	addr, done := startListen(t, nil, "--each", "exit 0", "127.0.0.1", "0")
	h, p := hostPort(t, addr)
	if c := runNcc(big, "-N", h, p); c.code != 1 {
		t.Errorf("unread payload: ncc %+v, want exit 1", c)
	}
	if l := get(t, done); l.code != 1 || !strings.Contains(l.stderr, "command exited before reading all the data; connection reset") {
		t.Errorf("unread payload: ncl %+v", l)
	}

	// The peer has not finished (no FIN) when the command exits.
	addr, done = startListen(t, nil, "--each", "head -c 3 >/dev/null", "127.0.0.1", "0")
	h, p = hostPort(t, addr)
	stdinR, stdinW := io.Pipe()
	defer stdinW.Close()
	sent := make(chan int, 1)
	go func() {
		sent <- Connect([]string{"ncc", h, p}, stdinR, io.Discard, io.Discard)
	}()
	stdinW.Write([]byte("abcdef"))
	if l := get(t, done); l.code != 1 || !strings.Contains(l.stderr, "command exited before reading all the data; connection reset") {
		t.Errorf("open peer: ncl %+v", l)
	}
	stdinW.Write([]byte("more")) // the reset shows on the next send at the latest
	if code := <-sent; code != 1 {
		t.Errorf("open peer: ncc exit %d, want 1", code)
	}
}

// TestEachIdle: with -w, a peer that sends nothing for that long loses its turn: its
// command is stopped (it never sees a clean end of a cut message), the connection is
// reset, one line is printed, and ncl -k serves the next connection.
func TestEachIdle(t *testing.T) {
	addr, done, stdout := startListenOut(t, nil, "-k", "-w", "0.3", "--each", "cat >/dev/null && echo complete", "127.0.0.1", "0")
	h, p := hostPort(t, addr)
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	idle.Write([]byte("partial, and then nothing"))
	if c := runNcc("hello", "-N", h, p); c.code != 0 {
		t.Errorf("next sender: %+v", c)
	}
	if _, err := io.ReadAll(idle); err == nil {
		t.Errorf("idle peer: clean end, want a reset")
	}
	if got := stdout.String(); got != "complete\n" {
		t.Errorf("stdout %q, want one complete message", got)
	}
	select {
	case r := <-done:
		t.Fatalf("ncl -k ended: %+v", r)
	default:
	}
}

// TestOneConnectionStopsListening: without -k, ncl stops listening once it has accepted
// its connection, as nc does: a second client is refused, not left waiting to be reset.
func TestOneConnectionStopsListening(t *testing.T) {
	addr, done, stdout := startListenOut(t, strings.NewReader(""), "127.0.0.1", "0")
	first, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	first.Write([]byte("first"))
	stdout.waitFor(t, "first")
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Errorf("second client connected; want refused")
	}
	first.(*net.TCPConn).CloseWrite()
	if l := get(t, done); l.code != 0 || l.stdout != "first" {
		t.Errorf("ncl: %+v", l)
	}
	first.Close()
}

// TestUDPDatagramSize: stdin is sent in datagrams of at most 16 KiB, as OpenBSD nc does,
// so a big input is not refused as "message too long".
func TestUDPDatagramSize(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	pc.(*net.UDPConn).SetReadBuffer(4 << 20)
	h, p := hostPort(t, pc.LocalAddr().String())
	const total = 200000
	if c := runNcc(strings.Repeat("x", total), "-u", "-q", "0", h, p); c.code != 0 {
		t.Fatalf("ncc -u: %+v", c)
	}
	buf := make([]byte, 1<<16)
	got := 0
	for got < total {
		pc.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatalf("after %d bytes: %v", got, err)
		}
		if n > udpMax {
			t.Errorf("datagram of %d bytes, want at most %d", n, udpMax)
		}
		got += n
	}
}
