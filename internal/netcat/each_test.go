package netcat

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestGuessLimit: after a burst of 5, failed authentications are let through at 1 per
// second however they arrive, and stderr gets at most one line per 10 s that counts them all.
func TestGuessLimit(t *testing.T) {
	now := time.Unix(1000, 0)
	var lines []string
	var timers []func()
	g := newGuessLimit(func(l string) { lines = append(lines, l) })
	g.now = func() time.Time { return now }
	g.last = now
	g.after = func(d time.Duration, f func()) {
		timers = append(timers, f)
		if d <= 0 || d > reportEvery {
			t.Errorf("report scheduled in %v", d)
		}
	}
	start := now
	for i := 0; i < 20; i++ {
		now = now.Add(g.delay()) // ncl waits this long before starting the next command
		g.fail()
	}
	if took := now.Sub(start); took < 14*time.Second || took > 16*time.Second {
		t.Errorf("20 failures took %v, want about 15s (burst 5, then 1/s)", took)
	}
	// The report scheduled after the first line fires 10 s after it.
	for len(timers) > 0 {
		f := timers[0]
		timers = timers[1:]
		f()
	}
	total := 0
	for _, l := range lines {
		var n int
		if _, err := fmt.Sscanf(l, "%d", &n); err != nil {
			t.Fatalf("line %q", l)
		}
		total += n
	}
	if total != 20 || len(lines) > 3 {
		t.Errorf("lines %q: want at most one per 10s counting 20", lines)
	}
	if !strings.HasSuffix(lines[len(lines)-1], "; slowing down to 1 per second") {
		t.Errorf("last line %q does not say ncl slows down", lines[len(lines)-1])
	}
	// A quiet minute refills the bucket: the next failure starts at once.
	now = now.Add(time.Minute)
	if d := g.delay(); d != 0 {
		t.Errorf("after a quiet minute: delay %v", d)
	}
}

// TestCopyLines: concurrent writers never interleave within a line; a partial line goes out
// at the end, and one longer than lineMax in pieces.
func TestCopyLines(t *testing.T) {
	var got bytes.Buffer
	out := &lineOut{w: &got}
	var wg sync.WaitGroup
	for w := range 8 {
		line := strings.Repeat(string(rune('a'+w)), 3000) + "\n"
		wg.Add(1)
		go func() {
			defer wg.Done()
			// odd-sized writes cut lines at arbitrary places
			r := io.MultiReader(strings.NewReader(strings.Repeat(line, 50)), strings.NewReader("tail"))
			copyLines(out, &oddReader{r: r, n: 777})
		}()
	}
	wg.Wait()
	text := got.String()
	if len(text) != 8*(50*3001+4) {
		t.Fatalf("%d bytes", len(text))
	}
	for _, l := range strings.Split(strings.ReplaceAll(text, "tail", "tail\n"), "\n") {
		if l != "" && l != "tail" && (len(l) != 3000 || strings.Count(l, l[:1]) != 3000) {
			t.Fatalf("interleaved line of %d bytes: %.40q", len(l), l)
		}
	}

	got.Reset()
	long := strings.Repeat("x", lineMax+10)
	if err := copyLines(out, strings.NewReader(long)); err != nil || got.String() != long {
		t.Errorf("long line: %v, %d bytes", err, got.Len())
	}
}

type oddReader struct {
	r io.Reader
	n int
}

func (o *oddReader) Read(b []byte) (int, error) { return o.r.Read(b[:min(len(b), o.n)]) }

// TestEachNoStall: 10 idle and 10 dripping connections do not hold off a legitimate sender.
func TestEachNoStall(t *testing.T) {
	addr, done, stdout := startListenOut(t, nil, "-k", "--each", "cat", "127.0.0.1", "0")
	var hostile []net.Conn
	defer func() {
		for _, c := range hostile {
			c.Close()
		}
	}()
	for i := range 20 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		hostile = append(hostile, c)
		if i%2 == 1 {
			go func() {
				for {
					if _, err := c.Write([]byte(" ")); err != nil {
						return
					}
					time.Sleep(200 * time.Millisecond)
				}
			}()
		}
	}
	h, p := hostPort(t, addr)
	start := time.Now()
	if c := runNcc("legitimate\n", "-N", h, p); c.code != 0 {
		t.Fatalf("ncc: %+v", c)
	}
	// cat has written the line when ncc -N returns
	if !strings.Contains(stdout.String(), "legitimate\n") || time.Since(start) > 2*time.Second {
		t.Errorf("after %v stdout is %q", time.Since(start), stdout.String())
	}
	select {
	case r := <-done:
		t.Fatalf("ncl ended: %+v", r)
	default:
	}
}

// TestEachEnding: exit 0 and exit 4 look the same to the peer (clean close, same bytes);
// exit 1 is a reset; fd 3 carries a reply to the peer.
func TestEachEnding(t *testing.T) {
	for _, tt := range []struct {
		cmd     string
		code    int
		stdout  string
		logline string
	}{
		{"cat >/dev/null; echo ack >&3; exit 0", 0, "ack\n", ""},
		{"cat >/dev/null; echo ack >&3; exit 4", 0, "ack\n", "command failed (exit status 4); connection closed, the peer is not told"},
		{"cat >/dev/null; echo ack >&3; exit 1", 1, "ack\n", "command failed (exit status 1); connection reset"},
	} {
		addr, done := startListen(t, nil, "--each", tt.cmd, "127.0.0.1", "0")
		h, p := hostPort(t, addr)
		c := runNcc("message", "-N", h, p)
		l := get(t, done)
		if c.code != tt.code || c.stdout != tt.stdout {
			t.Errorf("%s: ncc %+v", tt.cmd, c)
		}
		if !strings.Contains(l.stderr, tt.logline) {
			t.Errorf("%s: ncl %+v", tt.cmd, l)
		}
	}
}

// TestEachLateFIN: a command that read the whole message and exited 0 before its peer's FIN
// arrived is a success: the peer gets a clean close, not a reset.
func TestEachLateFIN(t *testing.T) {
	addr, done, out := startListenOut(t, nil, "--each", `read -r line; echo "got $line"`, "127.0.0.1", "0")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("one\n")); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, `got one\n`)
	time.Sleep(200 * time.Millisecond) // the scenario, not a synchronisation: a late FIN
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(conn); err != nil || len(b) != 0 {
		t.Errorf("peer got %q, %v; want a clean close", b, err)
	}
	if l := get(t, done); l.code != 0 {
		t.Errorf("ncl: %+v", l)
	}
}

// TestEachDeadline: --deadline stops a command that takes too long and resets its peer.
func TestEachDeadline(t *testing.T) {
	addr, done := startListen(t, nil, "--deadline", "0.3", "--each", "cat >/dev/null; sleep 30", "127.0.0.1", "0")
	h, p := hostPort(t, addr)
	start := time.Now()
	if c := runNcc("m", "-N", h, p); c.code != 1 {
		t.Errorf("ncc: %+v", c)
	}
	l := get(t, done)
	if l.code != 1 || !strings.Contains(l.stderr, "over --deadline 0.3s; command stopped; connection reset") {
		t.Errorf("ncl: %+v", l)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

// TestSocketMode: the -U socket is 0600 whatever the umask; --socket-mode widens it.
func TestSocketMode(t *testing.T) {
	old := syscall.Umask(0o002)
	defer syscall.Umask(old)
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		want os.FileMode
	}{{nil, 0o600}, {[]string{"--socket-mode", "660"}, 0o660}} {
		path := filepath.Join(dir, "s")
		_, done := startListen(t, strings.NewReader(""), append(tt.args, "-U", path)...)
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != tt.want {
			t.Errorf("%q: %v %v, want %v", tt.args, fi.Mode(), err, tt.want)
		}
		runNcc("", "-N", "-U", path)
		get(t, done)
	}
}

// TestDatagramKeep: -k -u takes datagrams from every sender; -U -u serves unix datagrams
// and answers the first sender through the reply socket ncc binds.
func TestDatagramKeep(t *testing.T) {
	addr, done, stdout := startListenOut(t, nil, "-k", "-u", "-w", "2", "127.0.0.1", "0")
	h, p := hostPort(t, addr)
	for _, m := range []string{"one\n", "two\n"} {
		if c := runNcc(m, "-u", "-q", "0", h, p); c.code != 0 {
			t.Fatalf("ncc -u: %+v", c)
		}
		stdout.waitFor(t, m)
	}
	if l := get(t, done); l.code != 0 || l.stdout != "one\ntwo\n" {
		t.Errorf("ncl -k -u: %+v", l)
	}

	path := filepath.Join(t.TempDir(), "d")
	_, done = startListen(t, strings.NewReader("answer\n"), "-U", "-u", "-w", "1", path)
	if c := runNcc("question\n", "-U", "-u", "-w", "1", path); c.code != 0 || c.stdout != "answer\n" {
		t.Errorf("ncc -U -u: %+v", c)
	}
	if l := get(t, done); l.code != 0 || l.stdout != "question\n" {
		t.Errorf("ncl -U -u: %+v", l)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("socket file left behind: %v", err)
	}
}
