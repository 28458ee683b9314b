package netcat

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nckit/nckit/internal/cmdline"
	"golang.org/x/sys/unix"
)

// Exit statuses of an --each command that decide how the connection ends besides 0.
const (
	exitAuth    = 3 // the message failed authentication: reset, and counted against guessing
	exitNotTold = 4 // failed in a way the peer must not learn (a padding oracle): clean close
	killGrace   = 2 * time.Second
	// finGrace is how long a command that exited may wait for its peer's FIN: a sender's
	// last segment and its FIN can arrive after the command has read the whole message.
	finGrace     = time.Second
	defaultEachN = 64
)

// serveEach accepts connections on ln and runs cfg.each for each one, up to cfg.max at a
// time; over the cap, ncl stops accepting and new connections wait in the listen backlog.
// Without -k it serves one connection and returns its error.
func serveEach(cfg *config, ln net.Listener, stdout, stderr io.Writer, lv *live) error {
	out := &lineOut{w: stdout}
	guess := newGuessLimit(func(line string) { printf(stderr, "ncl: %s", line) })
	slots := make(chan struct{}, cfg.max)
	var wg sync.WaitGroup
	var fatal atomic.Pointer[error] // stdout failed: nothing more can be delivered
	for {
		slots <- struct{}{}
		conn, err := ln.Accept()
		if err != nil {
			wg.Wait()
			if f := fatal.Load(); f != nil {
				return *f
			}
			return fmt.Errorf("accept on %s: %s", ln.Addr(), cause(err))
		}
		if !cfg.keep {
			ln.Close() // as in serve: a second client is refused, not left in the backlog
			lv.socketFile("")
		}
		peer := peerName(conn, cfg)
		if cfg.verbose {
			reportConn(stderr, conn, cfg)
		}
		untrack := lv.add(conn)
		for d := guess.delay(); d > 0; d = guess.delay() {
			time.Sleep(d) // the bucket is empty: no new command yet
		}
		errc := make(chan error, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			defer untrack()
			code, err := runEach(cfg, conn, peer, out, stderr, lv)
			switch {
			case errors.Is(err, errStdout):
				if fatal.CompareAndSwap(nil, &err) {
					ln.Close() // stop accepting; the loop returns err
				}
			case code == exitAuth && cfg.keep:
				guess.fail() // reported in the summary line, not one line per attempt
				err = nil
			case err != nil && cfg.keep:
				cmdline.Report("ncl", err, stderr)
			}
			errc <- err
		}()
		if !cfg.keep {
			return <-errc
		}
	}
}

// errStdout: ncl's stdout refused a command's output.
var errStdout = errors.New("write stdout")

// runEach serves one connection with /bin/sh -c CMD, in its own process group:
//
//	stdin   the peer's data, until its FIN;
//	stdout  a pipe copied to ncl's stdout in whole lines (copyLines);
//	stderr  ncl's stderr;
//	fd 3    a pipe whose data ncl sends to the peer: the command's reply channel;
//	NCL_PEER=addr:port in the environment.
//
// The connection ends after CMD and everything holding its pipes has exited: with a FIN
// when CMD read all the peer's data and exited 0 (or exitNotTold, which is logged but never
// shown to the peer), so a sender using ncc -N knows its message was processed; with a
// reset otherwise, so that sender fails loudly. It returns CMD's exit status (-1 when it
// did not exit by itself) and the line to report, if any.
func runEach(cfg *config, conn net.Conn, peer string, out *lineOut, stderr io.Writer, lv *live) (int, error) {
	var files []*os.File // the child's ends, closed in the parent once it started
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	inR, inW, err1 := os.Pipe()
	outR, outW, err2 := os.Pipe()
	replyR, replyW, err3 := os.Pipe()
	files = []*os.File{inR, outW, replyW}
	if err := errors.Join(err1, err2, err3); err != nil {
		closeAll()
		for _, f := range []*os.File{inW, outR, replyR} {
			if f != nil {
				f.Close()
			}
		}
		reset(conn)
		return -1, fmt.Errorf("--each: %s", cause(err))
	}
	cmd := exec.Command("/bin/sh", "-c", cfg.each)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, stderr
	cmd.ExtraFiles = []*os.File{replyW}
	cmd.Env = append(os.Environ(), "NCL_PEER="+peer)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // stopped as a whole: see stop
	err := cmd.Start()
	outW.Close()
	replyW.Close()
	if err != nil {
		inR.Close()
		inW.Close()
		outR.Close()
		replyR.Close()
		reset(conn)
		return -1, fmt.Errorf("--each: %s", cause(err))
	}
	defer lv.addProc(cmd.Process)()

	var end time.Time // --deadline: the connection's last moment
	var overtime, idled, cmdDone atomic.Bool
	if cfg.deadline > 0 {
		end = time.Now().Add(cfg.deadline)
		_ = conn.SetWriteDeadline(end)
		t := time.AfterFunc(cfg.deadline, func() {
			overtime.Store(true)
			stop(cmd.Process)
		})
		defer t.Stop()
	}

	// The peer's data into CMD's stdin until the peer's FIN. With -w, a peer that sends
	// nothing for that long loses its turn: CMD is stopped before it could take the cut
	// data for a whole message, and the connection is reset.
	rd := &connReader{conn: conn, idle: cfg.idle, end: end}
	copied := make(chan error, 1)
	go func() {
		err := rd.copyTo(inW)
		if errors.Is(err, os.ErrDeadlineExceeded) && !cmdDone.Load() && !overtime.Load() {
			idled.Store(true)
			stop(cmd.Process)
		}
		inW.Close() // CMD sees EOF
		copied <- err
	}()
	printed := make(chan error, 1)
	go func() { printed <- copyLines(out, outR) }()
	replied := make(chan error, 1)
	go func() { replied <- copyReply(conn, replyR) }()

	waitErr := cmd.Wait()
	cmdDone.Store(true)
	code := cmd.ProcessState.ExitCode()

	// CMD is gone. Did it consume everything the peer sent?
	rd.stop(finGrace)                                          // a peer that has not finished by then has lost
	unread, _ := unix.IoctlGetInt(int(inR.Fd()), unix.TIOCINQ) // FIONREAD: bytes left in the pipe
	inR.Close()                                                // a copy blocked on a full pipe now fails
	copyErr := <-copied
	outErr := <-printed // at EOF: CMD and whatever it started closed their stdout
	outR.Close()
	replyErr := <-replied
	replyR.Close()

	fail := func(format string, a ...any) (int, error) {
		reset(conn)
		return code, fmt.Errorf("--each: %s: "+format+"; connection reset", append([]any{peer}, a...)...)
	}
	switch {
	case outErr != nil:
		reset(conn)
		return code, fmt.Errorf("%w: %s: connection to %s reset so the sender knows", errStdout, cause(outErr), peer)
	case overtime.Load():
		return fail("over --deadline %gs; command stopped", cfg.deadline.Seconds())
	case idled.Load():
		return fail("no data for %gs; command stopped", cfg.idle.Seconds())
	case copyErr != nil || unread > 0:
		if waitErr != nil {
			return fail("command %s before reading all the data", waitErr)
		}
		return fail("command exited before reading all the data")
	case replyErr != nil:
		return fail("reply not sent: %s", cause(replyErr))
	case code == exitNotTold:
		conn.Close()
		return code, fmt.Errorf("--each: %s: command failed (exit status %d); connection closed, the peer is not told", peer, code)
	case waitErr != nil:
		var exit *exec.ExitError
		if errors.As(waitErr, &exit) {
			return fail("command failed (%s)", exit)
		}
		return fail("%s", cause(waitErr))
	}
	return 0, conn.Close()
}

// stop ends CMD's process group: SIGTERM, then SIGKILL for what is left after killGrace.
func stop(p *os.Process) {
	_ = syscall.Kill(-p.Pid, syscall.SIGTERM)
	time.AfterFunc(killGrace, func() { _ = syscall.Kill(-p.Pid, syscall.SIGKILL) })
}

// copyReply sends what CMD writes on fd 3 to the peer. After a failed send it keeps
// reading, so CMD never blocks on a reply nobody takes, and returns the send error.
func copyReply(conn net.Conn, r io.Reader) error {
	_, err := io.Copy(conn, r)
	if err != nil {
		_, _ = io.Copy(io.Discard, r)
	}
	return err
}

// connReader reads a connection with an idle timeout (-w) and an end (--deadline), and
// can be stopped from another goroutine without a later read deadline undoing the stop.
type connReader struct {
	conn    net.Conn
	idle    time.Duration
	end     time.Time
	mu      sync.Mutex
	stopped bool
}

// arm sets the read deadline for the next read.
func (c *connReader) arm() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	d := c.end
	if c.idle > 0 && (d.IsZero() || time.Now().Add(c.idle).Before(d)) {
		d = time.Now().Add(c.idle)
	}
	_ = c.conn.SetReadDeadline(d)
}

// stop bounds the copy to grace from now: a FIN already on its way still counts as the
// peer's clean end, more data or none at all do not.
func (c *connReader) stop(grace time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	_ = c.conn.SetReadDeadline(time.Now().Add(grace))
}

// copyTo copies the connection to w until the peer's FIN (nil). Time spent writing to w
// (CMD busy) does not count as idle.
func (c *connReader) copyTo(w io.Writer) error {
	buf := make([]byte, 32<<10)
	for {
		c.arm()
		n, err := c.conn.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
