package main

import (
	"bufio"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// password is the same for every contender; it goes through argv (pass:) for all of them
// so that no contender pays for a different password source.
const password = "pass:nckit-bench-password"

// contender is one way of moving a file over loopback: a receiver pipeline whose first stage
// listens on 127.0.0.1 port 0 and announces the port on stderr, and a sender pipeline
// connecting to it.
type contender struct {
	key   string
	label string
	nckit bool
	recv  [][]string
	send  func(port string) [][]string
}

func transferContenders(b bins) []contender {
	osslEnc := []string{"openssl", "enc", "-aes-256-cbc", "-salt", "-pbkdf2", "-pass", password}
	osslDec := []string{"openssl", "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-pass", password}
	ncListen := []string{"nc", "-lvn", "127.0.0.1", "0"}
	ncSend := func(port string) []string { return []string{"nc", "-N", "127.0.0.1", port} }
	nclListen := []string{b.ncl, "-v", "127.0.0.1", "0"}
	nccSend := func(port string) []string { return []string{b.ncc, "-N", "127.0.0.1", port} }
	ncdec := []string{b.ncdec, "-pass", password}
	// ncdec reads openssl's format only when told to (-detect: the format seen in the input)
	ncdecDetect := []string{b.ncdec, "-detect", "-pass", password}
	return []contender{
		{key: "nc", label: "nc (plaintext ceiling)",
			recv: [][]string{ncListen},
			send: func(p string) [][]string { return [][]string{ncSend(p)} }},
		{key: "nk-plain", label: "ncc -> ncl, plaintext (nckit's transport alone)", nckit: true,
			recv: [][]string{nclListen},
			send: func(p string) [][]string { return [][]string{nccSend(p)} }},
		{key: "ossl", label: "openssl + nc, binary",
			recv: [][]string{ncListen, osslDec},
			send: func(p string) [][]string { return [][]string{osslEnc, ncSend(p)} }},
		{key: "ossl-b64", label: "openssl + nc, -base64",
			recv: [][]string{ncListen, with(osslDec, "-base64")},
			send: func(p string) [][]string { return [][]string{with(osslEnc, "-base64"), ncSend(p)} }},
		{key: "native", label: "nckit native", nckit: true,
			recv: [][]string{nclListen, ncdec},
			send: func(p string) [][]string { return [][]string{{b.ncenc, "-pass", password}, nccSend(p)} }},
		{key: "native-a", label: "nckit native, -a", nckit: true,
			recv: [][]string{nclListen, ncdec},
			send: func(p string) [][]string { return [][]string{{b.ncenc, "-a", "-pass", password}, nccSend(p)} }},
		{key: "nk-ossl", label: "nckit openssl-format, binary", nckit: true,
			recv: [][]string{nclListen, ncdecDetect},
			send: func(p string) [][]string {
				return [][]string{{b.ncenc, "-aes-256-cbc", "-salt", "-pbkdf2", "-pass", password}, nccSend(p)}
			}},
		{key: "nk-ossl-a", label: "nckit openssl-format, -a", nckit: true,
			recv: [][]string{nclListen, ncdecDetect},
			send: func(p string) [][]string {
				return [][]string{{b.ncenc, "-aes-256-cbc", "-salt", "-a", "-pbkdf2", "-pass", password}, nccSend(p)}
			}},
	}
}

// variant is another build of nckit measured beside the main one (-variant NAME=DIR): an
// experiment knob for prototypes, whose contenders get the key suffix "@NAME".
type variant struct {
	name string
	bins bins
}

var variants []variant

// allTransferContenders is transferContenders(b) followed by the nckit contenders of every
// variant.
func allTransferContenders(b bins) []contender {
	cs := transferContenders(b)
	for _, v := range variants {
		for _, c := range transferContenders(v.bins) {
			if c.nckit {
				c.key += "@" + v.name
				c.label += " [" + v.name + "]"
				cs = append(cs, c)
			}
		}
	}
	return cs
}

func with(argv []string, extra ...string) []string {
	return append(append([]string(nil), argv...), extra...)
}

var announceRE = regexp.MustCompile(`[Ll]istening on .*[: ]([0-9]+)\s*$`)

// startListener starts a receiver pipeline and waits for its first stage to announce the
// port it listens on. stdin is held open by the harness, as a terminal would be.
func startListener(stages [][]string, stdin, stdout *os.File, onLine func(string)) (*pipeline, string, error) {
	portc := make(chan string, 1)
	pl, err := startPipeline(stages, stdin, stdout, func(line string) {
		if m := announceRE.FindStringSubmatch(line); m != nil {
			select {
			case portc <- m[1]:
			default:
			}
		}
		if onLine != nil {
			onLine(line)
		}
	})
	if err != nil {
		return nil, "", err
	}
	select {
	case port := <-portc:
		return pl, port, nil
	case <-pl.procs[0].done:
		return nil, "", fmt.Errorf("listener exited: %s", pl.procs[0].failure())
	case <-time.After(10 * time.Second):
		pl.kill()
		pl.wait(time.Now().Add(5 * time.Second))
		return nil, "", errors.New("listener did not announce a port within 10 s")
	}
}

// procStat is what one process of a run cost.
type procStat struct {
	role   string // "send" or "recv"
	name   string
	rssKiB int64
	user   time.Duration
	sys    time.Duration
}

type runResult struct {
	dur     time.Duration
	err     error
	procs   []procStat
	foreign float64 // CPUs kept busy by other work during the run
}

// cpu is the user and system time of all the run's processes.
func (rr runResult) cpu() time.Duration {
	var c time.Duration
	for _, p := range rr.procs {
		c += p.user + p.sys
	}
	return c
}

// sink reads a pipeline's output, counting bytes and computing CRC-32C. CRC-32C runs at
// many GB/s with SSE4.2, so checking every byte steals almost no CPU from the contenders
// on a 2-core machine, unlike SHA-256.
type sink struct {
	n   int64
	crc uint32
	err error
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func drain(r io.Reader) sink {
	var s sink
	buf := make([]byte, 1<<20)
	for {
		n, err := r.Read(buf)
		s.n += int64(n)
		s.crc = crc32.Update(s.crc, castagnoli, buf[:n])
		if err == io.EOF {
			return s
		}
		if err != nil {
			s.err = err
			return s
		}
	}
}

// runTransfer moves file through c once and checks the received bytes. The clock starts
// when the sender is launched (the receiver already listens) and stops when every process
// has exited and the receiver's output reached EOF.
func runTransfer(c contender, f *inputFile, timeout time.Duration) runResult {
	in, err := os.Open(f.path)
	if err != nil {
		return runResult{err: err}
	}
	defer in.Close()
	hold, holdW, err := os.Pipe()
	if err != nil {
		return runResult{err: err}
	}
	defer holdW.Close()
	defer hold.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		return runResult{err: err}
	}
	defer outR.Close()
	recv, port, err := startListener(c.recv, hold, outW, nil)
	outW.Close()
	if err != nil {
		return runResult{err: fmt.Errorf("receiver: %w", err)}
	}
	sunk := make(chan sink, 1)
	go func() { sunk <- drain(outR) }()

	cpu0 := snapshotCPU()
	start := time.Now()
	deadline := start.Add(timeout)
	send, err := startPipeline(c.send(port), in, devNull, nil)
	if err != nil {
		recv.kill()
		recv.wait(deadline)
		return runResult{err: err}
	}
	serr := send.wait(deadline)
	if serr != nil {
		recv.kill()
	}
	rerr := recv.wait(deadline)
	var s sink
	select {
	case s = <-sunk:
	case <-time.After(time.Until(deadline)):
		s.err = errors.New("receiver output never reached EOF")
	}
	dur := time.Since(start)
	cpu1 := snapshotCPU()
	res := runResult{dur: dur}
	var used time.Duration
	for _, x := range []struct {
		role string
		pl   *pipeline
	}{{"send", send}, {"recv", recv}} {
		for _, p := range x.pl.procs {
			u, sy := p.cpu()
			used += u + sy
			res.procs = append(res.procs, procStat{role: x.role, name: filepath.Base(p.name), rssKiB: p.maxRSSKiB(), user: u, sys: sy})
		}
	}
	res.foreign = foreignCores(cpu0, cpu1, used, dur)
	switch {
	case serr != nil:
		res.err = fmt.Errorf("sender: %w", serr)
	case rerr != nil:
		res.err = fmt.Errorf("receiver: %w", rerr)
	case s.err != nil:
		res.err = s.err
	case s.n != f.size || s.crc != f.crc:
		res.err = fmt.Errorf("checksum mismatch: got %d bytes crc32c %08x, want %d bytes %08x", s.n, s.crc, f.size, f.crc)
	}
	return res
}

var devNull *os.File

// benchTransfer runs every transfer contender at every size, rotating their order each
// round, and times one key derivation per round (kdfSample) alongside.
func benchTransfer(b bins, specs []sizeSpec, tmp string) (map[transferKey][]runResult, []time.Duration) {
	res := map[transferKey][]runResult{}
	var kdf []time.Duration
	var cs []contender
	for _, c := range allTransferContenders(b) {
		if (!c.nckit || b.ok) && selected(c.key) {
			cs = append(cs, c)
		}
	}
	inputs := map[int64]*inputFile{}
	maxRounds := 0
	for _, s := range specs {
		f, err := makeInput(filepath.Join(tmp, fmt.Sprintf("in-%d", s.size)), s.size)
		if err != nil {
			logf("input: %v", err)
			return res, nil
		}
		inputs[s.size] = f
		maxRounds = max(maxRounds, s.rounds)
	}
	// A contender that failed twice in a row is not run again: a broken build must not
	// turn the run into a series of timeouts far beyond its time budget.
	fails := map[string]int{}
	for r := 0; r < maxRounds; r++ {
		if b.ok && selected("native") {
			if d, err := kdfSample(b); err != nil {
				logf("kdf round %d: FAILED: %v", r+1, err)
			} else {
				kdf = append(kdf, d)
				logf("kdf round %d: %7.3f s", r+1, d.Seconds())
			}
		}
		for _, s := range specs {
			if r >= s.rounds {
				continue
			}
			timeout := 20*time.Second + time.Duration(s.size>>20)*50*time.Millisecond
			for _, c := range rotate(cs, r) {
				if fails[c.key] >= 2 {
					continue
				}
				rr := runTransfer(c, inputs[s.size], timeout)
				k := transferKey{s.size, c.key}
				res[k] = append(res[k], rr)
				if rr.err != nil {
					fails[c.key]++
					logf("transfer %s %s round %d: FAILED: %v", sizeLabel(s.size), c.key, r+1, rr.err)
					if fails[c.key] == 2 {
						logf("transfer %s: failed twice in a row, not run again", c.key)
					}
				} else {
					fails[c.key] = 0
					logf("transfer %s %-10s round %d: %7.3f s %8.1f MiB/s", sizeLabel(s.size), c.key, r+1,
						rr.dur.Seconds(), float64(s.size)/(1<<20)/rr.dur.Seconds())
				}
			}
		}
	}
	return res, kdf
}

// inputFile is a random file of a given size with its checksum.
type inputFile struct {
	path string
	size int64
	crc  uint32
}

// makeInput writes size random bytes (incompressible, like real ciphertext-bound data).
func makeInput(path string, size int64) (*inputFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var seed [32]byte
	for i := range seed {
		seed[i] = byte(rand.Uint32())
	}
	rng := rand.NewChaCha8(seed)
	buf := make([]byte, 1<<20)
	var crc uint32
	for left := size; left > 0; {
		n := int64(len(buf))
		if left < n {
			n = left
		}
		_, _ = rng.Read(buf[:n])
		crc = crc32.Update(crc, castagnoli, buf[:n])
		if _, err := w.Write(buf[:n]); err != nil {
			f.Close()
			return nil, err
		}
		left -= n
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return &inputFile{path: path, size: size, crc: crc}, nil
}
