package encdec

import (
	"errors"
	"io"
	"time"
)

// errTimeout: a message, or its header or a record, took longer than its deadline.
var errTimeout = errors.New("timed out")

// deadlineReader bounds the time a read from a pipe or socket may wait. While a deadline is
// set each read runs in a goroutine of its own, so that a peer who stops sending cannot hold
// the reader; once a deadline has passed every read fails (the abandoned read still owns its
// buffer). Without a deadline reads go straight through.
type deadlineReader struct {
	r    io.Reader
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

func (d *deadlineReader) expire() error {
	d.err = &timeoutError{d.why}
	return d.err
}

type timeoutError struct{ why string }

func (e *timeoutError) Error() string { return errTimeout.Error() + ": " + e.why }
func (e *timeoutError) Unwrap() error { return errTimeout }
