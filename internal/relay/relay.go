// Package relay copies bytes between a connection and stdin/stdout in both directions at
// once, with OpenBSD nc's end-of-stream rules, and reports every way a transfer can end
// short instead of ending quietly.
//
// The two directions close independently, as in nc's readwrite():
//
//	network -> stdout   ends at the peer's FIN (clean), a read error (reset) or a failed
//	                    stdout write (the received data could not be delivered);
//	stdin   -> network  ends at stdin EOF (then, with HalfClose, our FIN) or a failed send.
//
// A listener is done when the peer's data has ended; a connector when both inputs have
// ended. Options.Deliver, Quit and Idle adjust that; see their comments.
package relay

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// BufSize is the size of each copy buffer. Memory use is constant: two stdin buffers
// shared by all connections plus one receive buffer per connection.
const BufSize = 64 << 10

var (
	// ErrUndelivered: data received from the peer could not be written to stdout. The
	// caller should reset the connection so the sender learns it too.
	ErrUndelivered = errors.New("cannot deliver received data")
	// ErrSend: writing to the network failed; stdin data was not sent.
	ErrSend = errors.New("send")
	// ErrRecv: reading from the network failed (reset, timeout): the peer's data was cut.
	ErrRecv = errors.New("receive")
	// ErrStdin: reading stdin failed.
	ErrStdin = errors.New("read stdin")
	// ErrIdle: nothing moved either way for Options.Idle. Not a loss: nc exits 0.
	ErrIdle = errors.New("idle timeout")
	// ErrNotTaken (with ErrSend): the peer closed or reset before acknowledging all we
	// sent, although every write had succeeded locally.
	ErrNotTaken = errors.New("peer closed before taking all data")
)

// drainLimit bounds the wait for the peer to acknowledge our data and FIN when no -w is
// given: that long without any progress means the peer is not taking it.
const drainLimit = 30 * time.Second

// tcpClose is TCP_CLOSE in Linux's tcp_states.h, the state after the last ACK or a reset.
const tcpClose = 7

// Input reads stdin in one goroutine for the whole run, so that with ncl -k every
// connection takes its bytes from the same stream and none is swallowed by a reader left
// over from an earlier connection. Two buffers alternate: one is read into while the
// other is sent.
type Input struct {
	chunks chan []byte // filled buffers; closed at EOF or error
	free   chan []byte // empty buffers
	err    error       // the read error other than EOF; set before chunks is closed
}

// NewInput starts reading r.
func NewInput(r io.Reader) *Input {
	in := &Input{chunks: make(chan []byte), free: make(chan []byte, 2)}
	in.free <- make([]byte, BufSize)
	in.free <- make([]byte, BufSize)
	go in.pump(r)
	return in
}

func (in *Input) pump(r io.Reader) {
	defer close(in.chunks)
	for {
		buf := <-in.free
		n, err := r.Read(buf[:cap(buf)])
		if n > 0 {
			in.chunks <- buf[:n]
		} else {
			in.free <- buf
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			in.err = err
			return
		}
	}
}

// Options select the end-of-stream rules.
type Options struct {
	// Listen: nc -l rules. The relay ends as soon as the peer's data has ended and was
	// written out; our own stdin does not keep it alive. Otherwise (connector) it ends
	// only when both stdin and the peer's data have ended.
	Listen bool
	// HalfClose (-N): shut down our write side (send FIN) once stdin is drained.
	HalfClose bool
	// Deliver: stdin is a payload that must reach the peer whole. When the peer's data
	// ends first (it half-closed early), keep sending stdin until EOF instead of stopping
	// there, which is where nc silently truncates.
	Deliver bool
	// Quit (-q): end this long after stdin EOF, even if the peer is still open; < 0 never.
	Quit time.Duration
	// Idle (-w): end with ErrIdle after this long with no data in either direction; 0 never.
	Idle time.Duration
}

// Relay copies conn -> out and in -> conn until the rules in o say the transfer is over.
// in == nil means stdin is not read at all (-d). Relay does not close conn; after an
// ErrUndelivered error the caller should reset it.
func Relay(conn net.Conn, in *Input, out io.Writer, o Options) error {
	var last atomic.Int64 // time of the last data, for Idle
	touch := func() { last.Store(time.Now().UnixNano()) }
	touch()
	var writing atomic.Bool // a stdout write is in progress: not idle, however long

	netDone := make(chan error, 1) // buffered: the receiver may outlive Relay
	go receive(conn, out, touch, &writing, netDone)

	var chunks <-chan []byte
	if in != nil {
		chunks = in.chunks
	}
	var quit <-chan time.Time
	var idle <-chan time.Time
	if o.Idle > 0 {
		t := time.NewTimer(o.Idle)
		defer t.Stop()
		idle = t.C
	}
	stdinDone, peerDone := false, false

	// stdinEnded applies the rules for the end of stdin.
	stdinEnded := func() {
		stdinDone = true
		chunks = nil
		if o.HalfClose {
			// -N: the peer learns that our data is complete. UDP has no FIN.
			if cw, ok := conn.(interface{ CloseWrite() error }); ok {
				_ = cw.CloseWrite() // fails only if the peer already went; the receiver sees it
			}
		}
		if o.Quit >= 0 {
			quit = time.After(o.Quit)
		}
	}
	if in == nil {
		stdinEnded() // -d: as if stdin were empty
	}
	// finished is the successful end. With -N a write succeeds once the data is in our
	// send queue, even when the peer has already closed and will only answer with a reset:
	// success then also needs the peer to have acknowledged everything, our FIN included.
	finished := func() error {
		if o.HalfClose && stdinDone {
			limit := o.Idle
			if limit <= 0 {
				limit = drainLimit
			}
			return taken(conn, limit)
		}
		return nil
	}

	for {
		select {
		case b, ok := <-chunks:
			if !ok {
				if in.err != nil {
					// stdin broke: what was read is sent, the rest is unknown.
					return fmt.Errorf("%w: %w", ErrStdin, in.err)
				}
				stdinEnded()
				if peerDone {
					// both inputs ended (connector; or a listener delivering its payload)
					return finished()
				}
				continue
			}
			if o.Idle > 0 {
				_ = conn.SetWriteDeadline(time.Now().Add(o.Idle))
			}
			_, err := conn.Write(b)
			in.free <- b
			if err != nil {
				// the peer is gone or stopped reading for Idle: stdin data was not sent
				return fmt.Errorf("%w: %w", ErrSend, err)
			}
			touch()

		case err := <-netDone:
			if err != nil {
				// reset by the peer, or stdout refused the data
				return err
			}
			peerDone = true
			if stdinDone {
				// both inputs ended, everything received was written out
				return finished()
			}
			if o.Listen && !o.Deliver {
				// nc -l: the peer's data ended, so the transfer is over; our stdin does
				// not keep us alive (an interactive listener ends when its peer leaves)
				return nil
			}
			// connector: stdin may still have something to say (nc waits for it);
			// Deliver: the rest of the payload must still go out

		case <-quit:
			// -q: stdin ended long enough ago
			return nil

		case <-idle:
			if writing.Load() {
				// stdout is slow to take what we received: we are busy, not idle
				idle = time.After(o.Idle)
				continue
			}
			left := o.Idle - time.Since(time.Unix(0, last.Load()))
			if left <= 0 {
				// -w: nothing moved either way for Idle
				return ErrIdle
			}
			idle = time.After(left)
		}
	}
}

// receive copies conn to out and reports how the peer's data ended: nil at its FIN after
// everything was written out, an ErrRecv or ErrUndelivered error otherwise.
func receive(conn net.Conn, out io.Writer, touch func(), writing *atomic.Bool, done chan<- error) {
	buf := make([]byte, BufSize)
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			writing.Store(true)
			_, werr := out.Write(buf[:n])
			writing.Store(false)
			touch() // the idle time starts once stdout took the data
			if werr != nil {
				// stdout is gone (its reader died, disk full): what arrived is lost
				done <- fmt.Errorf("%w: %w", ErrUndelivered, werr)
				return
			}
		}
		if err == io.EOF {
			// the peer's FIN: its data is complete
			done <- nil
			return
		}
		if err != nil {
			// reset, timeout, or the connection was closed under us
			done <- fmt.Errorf("%w: %w", ErrRecv, err)
			return
		}
	}
}

// taken waits until the peer has acknowledged all we sent on a TCP conn, our FIN included
// (the send queue is empty), and fails with ErrNotTaken if the connection reports an error
// or closes with data still unacknowledged first, or when the queue makes no progress for
// limit. Other connections have nothing to wait for.
func taken(conn net.Conn, limit time.Duration) error {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	notTaken := fmt.Errorf("%w: %w", ErrSend, ErrNotTaken)
	deadline := time.Now().Add(limit)
	last, pause := -1, time.Millisecond
	for {
		var soErr, outq int
		var qErr error
		var state uint8
		_ = rc.Control(func(fd uintptr) {
			soErr, _ = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ERROR)
			outq, qErr = unix.IoctlGetInt(int(fd), unix.SIOCOUTQ)
			if info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO); err == nil {
				state = info.State
			}
		})
		switch {
		case soErr != 0:
			return notTaken // reset by the peer
		case qErr != nil || outq == 0:
			return nil // all acknowledged (or nothing we can know)
		case state == tcpClose:
			return notTaken // closed with data unacknowledged
		}
		if outq != last {
			last, deadline = outq, time.Now().Add(limit)
		} else if time.Now().After(deadline) {
			return notTaken
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}
