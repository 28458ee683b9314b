package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// live holds every process the harness started and has not reaped yet, so that a signal,
// a timeout or a failed run can stop all of them: nothing outlives the harness.
var live = struct {
	sync.Mutex
	m map[int]*exec.Cmd
}{m: map[int]*exec.Cmd{}}

// killAll stops every live process group. Each child runs in its own group, so a shell
// loop (the openssl + nc receiver) goes down together with the nc and openssl it started.
func killAll() {
	live.Lock()
	defer live.Unlock()
	for pid := range live.m {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// proc is one process of a pipeline with what the harness learns from it.
type proc struct {
	name     string
	cmd      *exec.Cmd
	stderr   *tail
	done     chan struct{}
	state    *os.ProcessState
	err      error
	statFile string // GNU time's report, when the process runs under it
	rssKiB   int64
	user     time.Duration
	sys      time.Duration
}

// timeBin is GNU time, used to read each process's peak RSS and CPU time. The harness's
// own rusage of a child is not usable for RSS: Go starts children with vfork, and Linux
// carries the parent's RSS high-water mark across exec into the child's ru_maxrss, so
// every child would appear at least as big as the harness. GNU time forks a 1 MiB process.
var (
	pipeSize int // -pipe-size: capacity of the pipes between stages, 0 for the default
	timeBin  string
	statDir  string
	statSeq  int
)

// collect fills in RSS and CPU after the process exited.
func (p *proc) collect() {
	if p.statFile != "" {
		data, err := os.ReadFile(p.statFile)
		os.Remove(p.statFile)
		if err == nil {
			lines := strings.Split(strings.TrimSpace(string(data)), "\n")
			var rss int64
			var u, s float64
			if _, err := fmt.Sscanf(lines[len(lines)-1], "%d %f %f", &rss, &u, &s); err == nil {
				p.rssKiB = rss
				p.user = time.Duration(u * float64(time.Second))
				p.sys = time.Duration(s * float64(time.Second))
				return
			}
		}
	}
	if p.state == nil {
		return
	}
	if ru, ok := p.state.SysUsage().(*syscall.Rusage); ok {
		p.rssKiB = ru.Maxrss // KiB on Linux; inflated by the harness's own RSS (see timeBin)
	}
	p.user, p.sys = p.state.UserTime(), p.state.SystemTime()
}

// maxRSSKiB is the peak resident set size of the process.
func (p *proc) maxRSSKiB() int64 { return p.rssKiB }

// cpu returns user and system CPU time of the process.
func (p *proc) cpu() (user, sys time.Duration) { return p.user, p.sys }

// failure describes why the process failed, with the last line it wrote on stderr.
func (p *proc) failure() string {
	msg := ""
	if p.err != nil {
		msg = p.err.Error()
	}
	if line := p.stderr.lastLine(); line != "" {
		msg += ": " + line
	}
	return p.name + ": " + msg
}

// pipeline is a chain of processes, stdout of each to stdin of the next.
type pipeline struct {
	procs []*proc
}

// startPipeline starts stages connected by pipes. The first stage reads stdin, the last
// writes stdout; both are handed over as file descriptors so the harness copies nothing.
// watch, if not nil, receives every stderr line of the first stage (listeners announce
// their port there).
func startPipeline(stages [][]string, stdin, stdout *os.File, watch func(string)) (*pipeline, error) {
	pl := &pipeline{}
	in := stdin
	var toClose []*os.File
	defer func() {
		for _, f := range toClose {
			f.Close()
		}
	}()
	for i, argv := range stages {
		out := stdout
		var nextIn *os.File
		if i < len(stages)-1 {
			r, w, err := os.Pipe()
			if err != nil {
				pl.kill()
				return nil, err
			}
			if pipeSize > 0 {
				// F_SETPIPE_SZ: an experiment knob (-pipe-size), to see what bigger pipes
				// between the filters would buy.
				_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, w.Fd(), 1031, uintptr(pipeSize))
			}
			out, nextIn = w, r
			toClose = append(toClose, r, w)
		}
		statFile := ""
		if timeBin != "" {
			live.Lock()
			statSeq++
			statFile = fmt.Sprintf("%s/stat-%d", statDir, statSeq)
			live.Unlock()
			argv = append([]string{timeBin, "-f", "%M %U %S", "-o", statFile, "--"}, argv...)
		}
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdin, cmd.Stdout = in, out
		t := &tail{}
		if i == 0 && watch != nil {
			t.watch = watch
		}
		cmd.Stderr = t
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		cmd.WaitDelay = 2 * time.Second
		name := argv[0]
		if statFile != "" {
			name = argv[6]
		}
		p := &proc{name: name, cmd: cmd, stderr: t, done: make(chan struct{}), statFile: statFile}
		if err := startTracked(cmd); err != nil {
			pl.kill()
			return nil, fmt.Errorf("start %s: %w", name, err)
		}
		go func() {
			p.err = cmd.Wait()
			p.state = cmd.ProcessState
			p.collect()
			untrack(cmd)
			close(p.done)
		}()
		pl.procs = append(pl.procs, p)
		in = nextIn
	}
	return pl, nil
}

func startTracked(cmd *exec.Cmd) error {
	live.Lock()
	defer live.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	live.m[cmd.Process.Pid] = cmd
	return nil
}

func untrack(cmd *exec.Cmd) {
	live.Lock()
	defer live.Unlock()
	delete(live.m, cmd.Process.Pid)
}

// kill stops every process of the pipeline that is still running.
func (pl *pipeline) kill() {
	for _, p := range pl.procs {
		select {
		case <-p.done:
		default:
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		}
	}
}

// stopFirst ends a pipeline whose first stage never ends by itself (ncl -k): SIGTERM to that
// stage's own process (under GNU time, its child; time would die of it without a report), so
// that the stages after it see the end of their input and exit on their own, and their peak
// memory is reported. It returns false when that process cannot be found.
func (pl *pipeline) stopFirst(deadline time.Time) bool {
	pid := pl.procs[0].cmd.Process.Pid
	if pl.procs[0].statFile != "" {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
		f := strings.Fields(string(data))
		if err != nil || len(f) != 1 {
			return false
		}
		if pid, err = strconv.Atoi(f[0]); err != nil {
			return false
		}
	}
	if syscall.Kill(pid, syscall.SIGTERM) != nil {
		return false
	}
	_ = pl.wait(deadline) // the first stage's status is the signal's; the others' are in procs
	return true
}

// wait waits until every process has exited, killing all of them at the deadline.
// It returns the first failure (non-zero exit) or a timeout error.
func (pl *pipeline) wait(deadline time.Time) error {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	timedOut := false
	for _, p := range pl.procs {
		select {
		case <-p.done:
		case <-timer.C:
			timedOut = true
			pl.kill()
			<-p.done
		}
	}
	if timedOut {
		return errors.New("timed out")
	}
	for _, p := range pl.procs {
		if p.err != nil {
			return errors.New(p.failure())
		}
	}
	return nil
}

// tail is an io.Writer keeping the last few KiB of a stderr stream, optionally passing each
// complete line to watch.
type tail struct {
	mu    sync.Mutex
	buf   []byte
	part  []byte
	watch func(string)
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > 4096 {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-4096:]...)
	}
	var lines []string
	if t.watch != nil {
		t.part = append(t.part, b...)
		for {
			i := bytes.IndexByte(t.part, '\n')
			if i < 0 {
				break
			}
			lines = append(lines, strings.TrimRight(string(t.part[:i]), "\r"))
			t.part = t.part[i+1:]
		}
	}
	watch := t.watch
	t.mu.Unlock()
	for _, l := range lines {
		watch(l)
	}
	return len(b), nil
}

func (t *tail) lastLine() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.buf))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
