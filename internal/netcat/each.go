package netcat

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// runEach serves one connection for ncl --each: /bin/sh -c CMD reads the peer's data on
// its stdin, writes to ncl's stdout and stderr, and sees NCL_PEER. The connection ends
// only after CMD has exited: with a FIN when CMD read all the peer's data and succeeded,
// so a sender using ncc -N knows its message was processed; with a reset otherwise, so
// that sender fails loudly instead.
func runEach(cfg *config, conn net.Conn, peer string, stdout, stderr io.Writer, lv *live) error {
	pr, pw, err := os.Pipe()
	if err != nil {
		conn.Close()
		return fmt.Errorf("--each: %s", cause(err))
	}
	cmd := exec.Command("/bin/sh", "-c", cfg.each)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pr, stdout, stderr
	cmd.Env = append(os.Environ(), "NCL_PEER="+peer)
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		reset(conn)
		return fmt.Errorf("--each: %s", cause(err))
	}

	defer lv.addProc(cmd.Process)()

	// Copy the peer's data into CMD's stdin until the peer's FIN. With -w, a peer that
	// sends nothing for that long loses its turn: CMD is stopped before it could take the
	// cut data for a whole message, and the connection is reset.
	var cmdDone, idled atomic.Bool
	copied := make(chan error, 1)
	go func() {
		err := copyIdle(pw, conn, cfg.idle) // nil at the peer's FIN
		if errors.Is(err, os.ErrDeadlineExceeded) && !cmdDone.Load() {
			idled.Store(true)
			_ = cmd.Process.Signal(syscall.SIGTERM)
		}
		pw.Close() // CMD sees EOF
		copied <- err
	}()
	waitErr := cmd.Wait()
	cmdDone.Store(true)

	// CMD is gone. Did it consume everything the peer sent?
	_ = conn.SetReadDeadline(time.Now())                      // stop waiting for a peer that has not finished
	unread, _ := unix.IoctlGetInt(int(pr.Fd()), unix.TIOCINQ) // FIONREAD: bytes left in the pipe
	pr.Close()                                                // a copy blocked on a full pipe now fails
	copyErr := <-copied

	switch {
	case idled.Load():
		reset(conn)
		return fmt.Errorf("--each: %s: no data for %gs; command stopped, connection reset", peer, cfg.idle.Seconds())
	case copyErr != nil || unread > 0:
		reset(conn)
		if waitErr != nil {
			return fmt.Errorf("--each: %s: command %s before reading all the data; connection reset", peer, waitErr)
		}
		return fmt.Errorf("--each: %s: command exited before reading all the data; connection reset", peer)
	case waitErr != nil:
		reset(conn)
		var exit *exec.ExitError
		if errors.As(waitErr, &exit) {
			return fmt.Errorf("--each: %s: command failed (%s); connection reset", peer, exit)
		}
		return fmt.Errorf("--each: %s: %s; connection reset", peer, cause(waitErr))
	}
	return conn.Close()
}

// copyIdle copies conn to w until the peer's FIN (nil). With idle > 0, a read that waits
// longer than idle fails with os.ErrDeadlineExceeded; time spent writing to w (CMD busy)
// does not count.
func copyIdle(w io.Writer, conn net.Conn, idle time.Duration) error {
	buf := make([]byte, 32<<10)
	for {
		if idle > 0 {
			_ = conn.SetReadDeadline(time.Now().Add(idle))
		}
		n, err := conn.Read(buf)
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
