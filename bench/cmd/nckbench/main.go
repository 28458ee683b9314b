// Command nckbench measures nckit against openssl + nc on one machine, in one run, and
// writes the result tables into docs/BENCHMARKS.md.
//
// Usage (`make bench` runs it through bench/run.sh; bench/ is its own module):
//
//	cd bench && go build -o /tmp/nckbench ./cmd/nckbench && cd .. &&
//	/tmp/nckbench [-bin DIR] [-sizes LIST] [-msgs N] [-msg-rounds N] [-lines N]
//	    [-out FILE] [-only SECTIONS]
//
// It measures, alternating the contenders in every round:
//   - transfer: a random file sent over loopback, `enc | connect` -> `listen | dec`,
//     every output checked (length and CRC-32C);
//   - messages: the tutorial's one connection per message, messages per second;
//   - latency: one long-lived connection, time from a line entering the sender to the
//     same line leaving the receiver;
//   - memory: peak RSS of every process, from GNU time, at the smallest and largest size;
//   - scripts: the scripts' per-message figures, from bench/scripts_latency.sh if present.
//
// The files: main.go runs the sections; transfer.go, messages.go, latency.go and scripts.go
// measure; proc.go starts and reaps processes; stats.go computes medians; results.go holds a
// run's figures; targets.go judges them against the issues' targets; render.go writes the
// markdown; mdfile.go puts it between the markers of docs/BENCHMARKS.md.
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
	only := flag.String("only", "transfer,messages,latency,scripts", "sections to run")
	kdfMiB := flag.Int("kdf-mib", 0, "Argon2id memory of ncenc's default in MiB (0: read it from a native header)")
	flag.IntVar(&pipeSize, "pipe-size", 0, "experiment: capacity of the pipes between filters (F_SETPIPE_SZ), 0 = default 64 KiB")
	keys := flag.String("contenders", "", "experiment: only these transfer/latency/message contenders (comma-separated keys)")
	flag.Func("variant", "experiment: NAME=DIR, another build of nckit whose transfer contenders run beside "+
		"the main ones as KEY@NAME (repeatable)", func(s string) error {
		name, dir, ok := strings.Cut(s, "=")
		if !ok || name == "" || dir == "" {
			return fmt.Errorf("want NAME=DIR, got %q", s)
		}
		v := variant{name: name, bins: findBins(dir)}
		if !v.bins.ok {
			return fmt.Errorf("variant %s: missing %s in %s", name, strings.Join(v.bins.missing, ", "), v.bins.dir)
		}
		variants = append(variants, v)
		return nil
	})
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
		rep.transfers, rep.kdfTimes = benchTransfer(b, specs, tmp)
	}
	if sections["messages"] {
		rep.messages = benchMessages(b, *msgs, *msgRounds)
	}
	if sections["latency"] {
		rep.latency = benchLatency(b, *lines)
	}
	if sections["scripts"] {
		s := benchScripts(b, 10*time.Minute)
		if s.note != "" {
			logf("scripts: %s", s.note)
		}
		rep.scripts = &s
	}
	rep.finished = time.Now()
	rep.loadAtEnd = loadAverage()
	md := rep.markdown()
	if err := writeBetweenMarkers(*out, md); err != nil {
		fmt.Fprintln(os.Stderr, "nckbench:", err)
		return 1
	}
	fmt.Print(md)
	logf("wrote %s in %v", *out, time.Since(rep.started).Round(time.Second))
	if n := rep.failures(); n > 0 {
		logf("%d runs failed (see the tables)", n)
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
