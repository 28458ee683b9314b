package encdec

import (
	"errors"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// errTimeout: a message, or its header or a record, took longer than its deadline.
var errTimeout = errors.New("timed out")

// deadlineReader bounds the time a read from a pipe or socket may wait, so that a peer who
// stops sending cannot hold the reader. While a deadline is set, a file's reads wait in
// poll(2) first; another reader's run in a goroutine of their own (an abandoned one still
// owns its buffer). Once a deadline has passed every read fails. Without a deadline reads go
// straight through.
type deadlineReader struct {
	r    io.Reader
	fd   int       // the file's descriptor, -1 for another reader
	at   time.Time // zero: no deadline
	err  error     // what every read returns once a deadline has passed
	why  string    // what the current deadline is for, for the error
	buf  []byte
	done chan readResult
}

type readResult struct {
	n   int
	err error
}

// set arms the deadline at t (zero disarms it); why says what it bounds, as
// "the header did not arrive within 10s (-header-timeout SECS)".
func (d *deadlineReader) set(t time.Time, why string) {
	d.at, d.why = t, why
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.at.IsZero() {
		return d.r.Read(p)
	}
	wait := time.Until(d.at)
	if wait <= 0 {
		return 0, d.expire()
	}
	if d.fd >= 0 {
		return d.pollRead(p, wait)
	}
	if cap(d.buf) < len(p) {
		d.buf = make([]byte, len(p))
	}
	if d.done == nil {
		d.done = make(chan readResult, 1)
	}
	buf := d.buf[:len(p)]
	go func() {
		n, err := d.r.Read(buf)
		d.done <- readResult{n, err}
	}()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case res := <-d.done:
		return copy(p, buf[:res.n]), res.err
	case <-t.C:
		d.buf = nil // the abandoned read still writes into it
		return 0, d.expire()
	}
}

// pollRead reads once the descriptor is readable (data, end of file or an error), at most
// wait from now.
func (d *deadlineReader) pollRead(p []byte, wait time.Duration) (int, error) {
	fds := []unix.PollFd{{Fd: int32(d.fd), Events: unix.POLLIN}}
	for {
		ms := int((wait + time.Millisecond - 1) / time.Millisecond)
		n, err := unix.Poll(fds, ms)
		if err == unix.EINTR {
			wait = time.Until(d.at)
			continue
		}
		if err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, d.expire()
		}
		return d.r.Read(p)
	}
}

func newDeadlineReader(r io.Reader) *deadlineReader {
	d := &deadlineReader{r: r, fd: -1}
	f, ok := r.(*os.File)
	if !ok {
		return d
	}
	// Not f.Fd(), which would make a non-blocking descriptor blocking: it may be shared
	// with the process that started this one (ncl --each).
	if rc, err := f.SyscallConn(); err == nil {
		_ = rc.Control(func(fd uintptr) { d.fd = int(fd) })
	}
	return d
}

func (d *deadlineReader) expire() error {
	d.err = &timeoutError{d.why}
	return d.err
}

type timeoutError struct{ why string }

func (e *timeoutError) Error() string { return errTimeout.Error() + ": " + e.why }
func (e *timeoutError) Unwrap() error { return errTimeout }
