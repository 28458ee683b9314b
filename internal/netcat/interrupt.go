package netcat

import (
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
)

// live is what a signal must clean up: the connections being served and ncl's -U socket
// file. Killed by the default action, the kernel would close a connection with a FIN, and
// the peer would take the partial transfer for a complete one (nc exits 0 then). On
// SIGINT, SIGTERM or SIGHUP we reset the connections instead, so the peer fails too.
// A nil *live (in-process runs) tracks nothing.
type live struct {
	mu     sync.Mutex
	prog   string
	stderr io.Writer
	conns  map[net.Conn]struct{}
	procs  map[*os.Process]struct{} // running --each commands
	path   string                   // the -U socket file we created
	dir    string                   // ncl --each's KDF slots directory
}

// caught is the tracker CatchSignals installed for the process; nil when nothing catches
// signals (in-process runs, tests), and then nothing is tracked.
var caught atomic.Pointer[live]

// CatchSignals sets up, for the whole process, what ncl and ncc need from signals: SIGINT,
// SIGTERM and SIGHUP reset the connections that Listen and Connect serve, stop the --each
// commands, remove ncl's -U socket file, print one line and exit 128+N; a write to a closed
// stdout fails with EPIPE (reported, exit 1) instead of killing the process silently.
// Binaries call it from main before Listen or Connect.
func CatchSignals(prog string, stderr io.Writer) {
	// Notify, not Ignore: an ignored SIGPIPE would stay ignored in the commands --each runs.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	l := newLive(prog, stderr)
	caught.Store(l)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		os.Exit(l.interrupt((<-sigs).(syscall.Signal)))
	}()
}

func newLive(prog string, stderr io.Writer) *live {
	return &live{prog: prog, stderr: stderr, conns: map[net.Conn]struct{}{}, procs: map[*os.Process]struct{}{}}
}

// add tracks conn until the returned function is called.
func (l *live) add(conn net.Conn) (done func()) {
	if l == nil {
		return func() {}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.conns[conn] = struct{}{}
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.conns, conn)
	}
}

// addProc tracks a running --each command until the returned function is called: on a
// signal it is stopped before its stdin closes, so it does not take the cut data for a
// whole message.
func (l *live) addProc(p *os.Process) (done func()) {
	if l == nil {
		return func() {}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.procs[p] = struct{}{}
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.procs, p)
	}
}

// socketFile records the -U socket file to remove on a signal.
func (l *live) socketFile(path string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.path = path
}

// interrupt resets every live connection, removes the socket file, says so in one line
// and returns the exit status of a shell's killed job (128 + signal). The lock stays held:
// nothing may start after this point, the caller exits.
func (l *live) interrupt(sig syscall.Signal) int {
	l.mu.Lock()
	for p := range l.procs {
		_ = syscall.Kill(-p.Pid, syscall.SIGTERM) // the --each command's process group
	}
	for conn := range l.conns {
		reset(conn)
	}
	if l.path != "" {
		os.Remove(l.path)
	}
	if l.dir != "" {
		os.RemoveAll(l.dir)
	}
	if len(l.conns) > 0 {
		printf(l.stderr, "%s: interrupted: connection reset, transfer incomplete", l.prog)
	} else {
		printf(l.stderr, "%s: interrupted", l.prog)
	}
	return 128 + int(sig)
}
