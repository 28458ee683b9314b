package password

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// TTY is the terminal prompts are written to and answers read from: never stdin or stdout,
// which carry data.
const TTY = "/dev/tty"

// maxAnswer bounds what is read from the terminal for one password.
const maxAnswer = 4096

// noTerminal is ErrNoPassword with advice.
type noTerminal struct{ cause error }

func (e noTerminal) Error() string {
	return fmt.Sprintf("%s and no terminal to ask on: %v", ErrNoPassword, e.cause)
}
func (e noTerminal) Unwrap() error { return ErrNoPassword }
func (e noTerminal) Hint() string {
	return "give one with -pass env:VAR, -pass file:PATH, -pass fd:N, -k, or the " + EnvVar + " variable"
}

// ReadTerminal asks on /dev/tty with echo off. Without a terminal (no controlling tty, as
// under cron, ssh without -t or setsid) it fails at once instead of waiting.
func ReadTerminal(prompt string) ([]byte, error) {
	tty, err := os.OpenFile(TTY, os.O_RDWR, 0)
	if err != nil {
		return nil, noTerminal{err}
	}
	defer tty.Close()
	fd := int(tty.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, noTerminal{fmt.Errorf("%s is not a terminal", TTY)}
	}
	// Echo goes off before the prompt appears, so that nothing typed after the prompt is
	// ever echoed. An interrupt meanwhile would leave the terminal without echo: restore
	// it, then let the signal take its normal course.
	sigs := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case s := <-sigs:
			_ = unix.IoctlSetTermios(fd, unix.TCSETS, old)
			fmt.Fprintln(tty)
			signal.Reset(s)
			_ = syscall.Kill(os.Getpid(), s.(syscall.Signal))
		case <-done:
		}
	}()
	defer func() {
		signal.Stop(sigs)
		close(done)
	}()
	noEcho := *old
	noEcho.Lflag &^= unix.ECHO
	noEcho.Lflag |= unix.ICANON | unix.ISIG
	noEcho.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &noEcho); err != nil {
		return nil, fmt.Errorf("%s: turning echo off: %w", TTY, err)
	}
	defer func() { _ = unix.IoctlSetTermios(fd, unix.TCSETS, old) }()
	fmt.Fprint(tty, prompt)
	pw, err := readLine(tty)
	fmt.Fprintln(tty)
	if err != nil {
		return nil, fmt.Errorf("reading password from %s: %w", TTY, err)
	}
	return pw, nil
}

// readLine reads one line byte by byte, so nothing after it is consumed.
func readLine(r io.Reader) ([]byte, error) {
	var line []byte
	var b [1]byte
	for len(line) < maxAnswer {
		n, err := r.Read(b[:])
		if n == 1 {
			if b[0] == '\n' {
				return bytes.TrimSuffix(line, []byte{'\r'}), nil
			}
			line = append(line, b[0])
			continue
		}
		if err == io.EOF {
			if len(line) == 0 {
				return nil, io.ErrUnexpectedEOF
			}
			return line, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return line, nil
}
