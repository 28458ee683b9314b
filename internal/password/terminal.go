package password

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// TTY is the terminal prompts are written to and answers read from: never stdin or stdout,
// which carry data.
const TTY = "/dev/tty"

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
	if !term.IsTerminal(fd) {
		return nil, noTerminal{fmt.Errorf("%s is not a terminal", TTY)}
	}
	// An interrupt while echo is off would leave the terminal without echo: restore it,
	// then let the signal take its normal course.
	state, err := term.GetState(fd)
	if err != nil {
		return nil, noTerminal{err}
	}
	sigs := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case s := <-sigs:
			_ = term.Restore(fd, state)
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
	fmt.Fprint(tty, prompt)
	pw, err := term.ReadPassword(fd)
	fmt.Fprintln(tty)
	if err != nil {
		return nil, fmt.Errorf("reading password from %s: %w", TTY, err)
	}
	return pw, nil
}
