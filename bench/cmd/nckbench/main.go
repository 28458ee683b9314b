// Command nckbench measures nckit against openssl + nc on one machine, in one run, and
// writes the result tables into docs/BENCHMARKS.md.
//
// Usage (from the repository root; `make bench` runs it through bench/run.sh):
//
//	go run ./bench/cmd/nckbench [-bin DIR] [-sizes LIST] [-msgs N] [-msg-rounds N]
//	    [-lines N] [-out FILE] [-only SECTIONS]
//
// It measures, alternating the contenders in every round:
//   - transfer: a random file sent over loopback, `enc | connect` -> `listen | dec`,
//     every output checked (length and CRC-32C);
//   - messages: the tutorial's one connection per message, messages per second;
//   - latency: one long-lived connection, time from a line entering the sender to the
//     same line leaving the receiver;
//   - memory: peak RSS of every process, from the kernel's rusage, at 1 MiB and 1 GiB.
//
// Only loopback is used, every listener binds port 0 (or a port the kernel just handed
// out) and announces it, and every process started is killed when the harness exits.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type bins struct {
	dir                    string
	ncl, ncc, ncenc, ncdec string
	ok                     bool
	missing                []string
}

func findBins(dir string) bins {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	b := bins{dir: abs, ok: true}
	for _, x := range []struct {
		name string
		dst  *string
	}{{"ncl", &b.ncl}, {"ncc", &b.ncc}, {"ncenc", &b.ncenc}, {"ncdec", &b.ncdec}} {
		p := filepath.Join(abs, x.name)
		*x.dst = p
		if st, err := os.Stat(p); err != nil || st.Mode()&0o111 == 0 {
			b.ok = false
			b.missing = append(b.missing, x.name)
		}
	}
	return b
}

// sizeSpec is one input size and how many rounds it gets.
type sizeSpec struct {
	size   int64
	rounds int
}

func parseSizes(s string) ([]sizeSpec, error) {
	var out []sizeSpec
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		sz, rs, _ := strings.Cut(f, ":")
		n, err := parseSize(sz)
		if err != nil {
			return nil, err
		}
		r := 1
		if rs != "" {
			if r, err = strconv.Atoi(rs); err != nil || r < 1 {
				return nil, fmt.Errorf("bad round count in %q", f)
			}
		}
		out = append(out, sizeSpec{n, r})
	}
	return out, nil
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

func main() {
	os.Exit(run())
}

func run() int {
	binDir := flag.String("bin", "bin", "directory holding ncl, ncc, ncenc and ncdec")
	sizes := flag.String("sizes", "1M:3,64M:7,256M:7,1G:3", "transfer sizes with their round counts")
	msgs := flag.Int("msgs", 4, "messages per contender per round")
	msgRounds := flag.Int("msg-rounds", 7, "rounds of the message benchmark")
	lines := flag.Int("lines", 200, "lines sent on the long-lived connection")
	out := flag.String("out", "docs/BENCHMARKS.md", "markdown file to write the tables into")
	only := flag.String("only", "transfer,messages,latency", "sections to run")
	kdfMiB := flag.Int("kdf-mib", 0, "Argon2id memory of ncenc's default in MiB (0: read it from a native header)")
	flag.IntVar(&pipeSize, "pipe-size", 0, "experiment: capacity of the pipes between filters (F_SETPIPE_SZ), 0 = default 64 KiB")
	keys := flag.String("contenders", "", "experiment: only these transfer/latency/message contenders (comma-separated keys)")
	flag.Parse()
	for _, k := range strings.Split(*keys, ",") {
		if k = strings.TrimSpace(k); k != "" {
			onlyKeys[k] = true
		}
	}

	specs, err := parseSizes(*sizes)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nckbench:", err)
		return 2
	}
	sections := map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		sections[strings.TrimSpace(s)] = true
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	tmp, err := os.MkdirTemp("", "nckbench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "nckbench:", err)
		return 1
	}
	cleanup := func() {
		killAll()
		os.RemoveAll(tmp)
	}
	defer cleanup()
	go func() {
		s := <-sigs
		cleanup()
		fmt.Fprintf(os.Stderr, "nckbench: stopped by %v\n", s)
		os.Exit(130)
	}()
	statDir = tmp
	if t, err := exec.LookPath("/usr/bin/time"); err == nil && strings.Contains(cmdOut(t, "--version"), "GNU") {
		timeBin = t
	} else {
		logf("GNU time not found: peak RSS figures include the harness's own RSS")
	}
	if devNull, err = os.OpenFile(os.DevNull, os.O_RDWR, 0); err != nil {
		fmt.Fprintln(os.Stderr, "nckbench:", err)
		return 1
	}

	b := findBins(*binDir)
	if !b.ok {
		logf("nckit binaries missing in %s (%s): measuring openssl + nc only", b.dir, strings.Join(b.missing, ", "))
	}
	rep := &report{started: time.Now(), bins: b, specs: specs, msgs: *msgs, msgRounds: *msgRounds, lines: *lines}
	rep.env = collectEnv(b)
	rep.kdfMiB, rep.kdfSource = kdfMemory(b, *kdfMiB)

	if sections["transfer"] {
		rep.transfers = benchTransfer(b, specs, tmp)
	}
	if sections["messages"] {
		rep.messages = benchMessages(b, *msgs, *msgRounds)
	}
	if sections["latency"] {
		rep.latency = benchLatency(b, *lines)
	}
	rep.finished = time.Now()
	md := rep.markdown()
	if err := writeBetweenMarkers(*out, md); err != nil {
		fmt.Fprintln(os.Stderr, "nckbench:", err)
		return 1
	}
	fmt.Print(md)
	logf("wrote %s in %v", *out, time.Since(rep.started).Round(time.Second))
	if rep.failures > 0 {
		logf("%d runs failed (see the tables)", rep.failures)
		return 1
	}
	return 0
}

// onlyKeys, when not empty, restricts every section to these contender keys.
var onlyKeys = map[string]bool{}

func selected(key string) bool { return len(onlyKeys) == 0 || onlyKeys[key] }

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "nckbench: "+format+"\n", a...)
}

// rotate returns xs starting at offset r, so that each round runs the contenders in a
// different order and none always enjoys (or suffers) the same neighbour.
func rotate[T any](xs []T, r int) []T {
	if len(xs) == 0 {
		return xs
	}
	r %= len(xs)
	return append(slices.Clone(xs[r:]), xs[:r]...)
}

type transferKey struct {
	size int64
	key  string
}

func benchTransfer(b bins, specs []sizeSpec, tmp string) map[transferKey][]runResult {
	res := map[transferKey][]runResult{}
	var cs []contender
	for _, c := range transferContenders(b) {
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
			return res
		}
		inputs[s.size] = f
		maxRounds = max(maxRounds, s.rounds)
	}
	// A contender that failed twice in a row is not run again: a broken build must not
	// turn the run into a series of timeouts far beyond its time budget.
	fails := map[string]int{}
	for r := 0; r < maxRounds; r++ {
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
	return res
}

func benchMessages(b bins, n, rounds int) map[string][]msgResult {
	res := map[string][]msgResult{}
	var cs []msgContender
	for _, c := range messageContenders(b) {
		if (!c.nckit || b.ok) && selected(c.key) {
			cs = append(cs, c)
		}
	}
	fails := map[string]int{}
	for r := 0; r < rounds; r++ {
		for _, c := range rotate(cs, r) {
			if fails[c.key] >= 2 {
				continue
			}
			mr := runMessages(c, n, 60*time.Second)
			res[c.key] = append(res[c.key], mr)
			if mr.err != nil {
				fails[c.key]++
				logf("messages %-12s round %d: FAILED: %v", c.key, r+1, mr.err)
			} else {
				logf("messages %-12s round %d: %6.2f msg/s", c.key, r+1, mr.rate)
			}
		}
	}
	return res
}

func benchLatency(b bins, n int) map[string]latResult {
	res := map[string]latResult{}
	for _, c := range latencyContenders(b) {
		if (c.nckit && !b.ok) || !selected(c.key) {
			continue
		}
		lr := runLatency(c, n, 3*time.Second, 120*time.Second)
		res[c.key] = lr
		switch {
		case lr.err != nil:
			logf("latency %-10s: FAILED: %v", c.key, lr.err)
		case lr.buffered:
			logf("latency %-10s: line held back until EOF (not interactive)", c.key)
		default:
			logf("latency %-10s: first %v, median %v", c.key, lr.first.Round(time.Microsecond),
				median(lr.lines).Round(time.Microsecond))
		}
	}
	return res
}
