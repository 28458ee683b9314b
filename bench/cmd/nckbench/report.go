package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

const (
	beginMarker = "<!-- bench:begin: written by bench/run.sh (make bench); edits between the markers are overwritten -->"
	endMarker   = "<!-- bench:end -->"
)

type report struct {
	started, finished time.Time
	bins              bins
	specs             []sizeSpec
	msgs, msgRounds   int
	lines             int
	env               [][2]string
	kdfMiB            int
	kdfSource         string
	transfers         map[transferKey][]runResult
	messages          map[string][]msgResult
	latency           map[string]latResult
	failures          int
}

func collectEnv(b bins) [][2]string {
	var env [][2]string
	add := func(k, v string) { env = append(env, [2]string{k, strings.TrimSpace(v)}) }
	cpu := "unknown"
	flags := ""
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "model name":
				cpu = strings.TrimSpace(v)
			case "flags":
				var have []string
				for _, f := range []string{"aes", "vaes", "avx2", "avx512f", "sha_ni", "pclmulqdq"} {
					if slices.Contains(strings.Fields(v), f) {
						have = append(have, f)
					}
				}
				flags = strings.Join(have, " ")
			}
		}
	}
	add("CPU", fmt.Sprintf("%s, %d logical CPUs (%s)", cpu, runtime.NumCPU(), flags))
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		first, _, _ := strings.Cut(string(data), "\n")
		add("memory", strings.Join(strings.Fields(strings.TrimPrefix(first, "MemTotal:")), " "))
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		add("kernel", "Linux "+string(data))
	}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(data))
		if len(f) >= 3 {
			add("load average at start", strings.Join(f[:3], " ")+" (other work on the machine skews the figures)")
		}
	}
	add("Go", runtime.Version())
	add("openssl", cmdOut("openssl", "version"))
	if v := cmdOut("dpkg-query", "-W", "-f", "${Package} ${Version}", "netcat-openbsd"); v != "" {
		add("nc", v)
	} else {
		first, _, _ := strings.Cut(cmdOut("nc", "-h"), "\n")
		add("nc", first)
	}
	if b.ok {
		add("nckit", cmdOut("git", "describe", "--always", "--dirty", "--tags")+" (binaries in "+b.dir+")")
	} else {
		add("nckit", "not built (missing "+strings.Join(b.missing, ", ")+")")
	}
	return env
}

// cmdOut runs a command and returns its combined output, or "" if it fails.
func cmdOut(name string, args ...string) string {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil && len(out) == 0 {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// kdfMemory finds the Argon2id memory ncenc uses by default, from the header of an empty
// native stream: magic (6 bytes) | version | t | m (KiB, u32 big-endian) | p | salt | commit
// (docs/FORMAT.md).
func kdfMemory(b bins, override int) (int, string) {
	if override > 0 {
		return override, fmt.Sprintf("%d MiB (-kdf-mib flag)", override)
	}
	if !b.ok {
		return 0, "unknown"
	}
	cmd := exec.Command(b.ncenc, "-pass", password)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return 0, "unknown (ncenc failed: " + err.Error() + ")"
	}
	h := out.Bytes()
	const magic = "\x9d\xc9\x22\xb4\x43\x42"
	if len(h) >= 13 && string(h[:6]) == magic && h[6] == 1 {
		m := binary.BigEndian.Uint32(h[8:12])
		return int(m >> 10), fmt.Sprintf("Argon2id t=%d m=%d MiB p=%d (from a native header)", h[7], m>>10, h[12])
	}
	return 0, "unknown (native header not recognised; pass -kdf-mib)"
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

func medianF(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func sizeLabel(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

func baseName(p string) string { return filepath.Base(p) }

func mib(kib int64) string { return fmt.Sprintf("%.1f", float64(kib)/1024) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// okDurations returns the durations of the successful runs and how many failed.
func okDurations(rs []runResult) ([]time.Duration, int, string) {
	var ds []time.Duration
	fails := 0
	last := ""
	for _, r := range rs {
		if r.err != nil {
			fails++
			last = r.err.Error()
			continue
		}
		ds = append(ds, r.dur)
	}
	return ds, fails, last
}

func (r *report) medianTransfer(size int64, key string) (time.Duration, bool) {
	ds, _, _ := okDurations(r.transfers[transferKey{size, key}])
	if len(ds) == 0 {
		return 0, false
	}
	return median(ds), true
}

func yesNo(ok bool) string {
	if ok {
		return "**yes**"
	}
	return "**NO**"
}

func (r *report) markdown() string {
	var w bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&w, format, a...) }
	p("%s\n\n", beginMarker)
	p("## Latest run\n\n")
	p("- run: %s, %v (`make bench`)\n", r.started.UTC().Format("2006-01-02 15:04 MST"), r.finished.Sub(r.started).Round(time.Second))
	for _, kv := range r.env {
		p("- %s: %s\n", kv[0], kv[1])
	}
	var sz []string
	for _, s := range r.specs {
		sz = append(sz, fmt.Sprintf("%s x%d", sizeLabel(s.size), s.rounds))
	}
	p("- transfer sizes (rounds): %s; messages: %d rounds of %d; latency: %d lines\n", strings.Join(sz, ", "), r.msgRounds, r.msgs, r.lines)
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(data)); len(f) >= 3 {
			p("- load average at end: %s\n", strings.Join(f[:3], " "))
		}
	}
	p("- ncenc default KDF: %s\n\n", r.kdfSource)

	r.targets(&w)
	if r.transfers != nil {
		r.transferTables(&w)
		r.rssTable(&w)
		r.cpuTable(&w)
	}
	if r.messages != nil {
		r.messageTable(&w)
	}
	if r.latency != nil {
		r.latencyTable(&w)
	}
	p("%s\n", endMarker)
	return w.String()
}

func (r *report) bigSizes() []int64 {
	var out []int64
	for _, s := range r.specs {
		if s.size >= 64<<20 {
			out = append(out, s.size)
		}
	}
	return out
}

// ratioTarget evaluates "num's time / den's time >= want" at every big size.
func (r *report) ratioTarget(w io.Writer, name, fast, slow string, want float64, inverse bool) {
	var parts []string
	met := true
	measured := false
	for _, size := range r.bigSizes() {
		tf, ok1 := r.medianTransfer(size, fast)
		ts, ok2 := r.medianTransfer(size, slow)
		if !ok1 || !ok2 {
			parts = append(parts, sizeLabel(size)+": n/a")
			met = false
			continue
		}
		measured = true
		if inverse {
			// time of fast relative to slow must stay within want
			x := tf.Seconds() / ts.Seconds()
			parts = append(parts, fmt.Sprintf("%s: %.2fx", sizeLabel(size), x))
			met = met && x <= want
		} else {
			x := ts.Seconds() / tf.Seconds()
			parts = append(parts, fmt.Sprintf("%s: %.2fx", sizeLabel(size), x))
			met = met && x >= want
		}
	}
	fmt.Fprintf(w, "| %s | %s | %s |\n", name, strings.Join(parts, ", "), yesNo(met && measured))
}

// fixedCostInfo is not a target: it splits native's time into the fixed cost (the smallest
// transfer: process start, two Argon2id runs, connection) and the streaming rate against nc's.
func (r *report) fixedCostInfo(w io.Writer) {
	small, _, ok := r.rssSizes()
	if !ok {
		return
	}
	t0n, ok1 := r.medianTransfer(small, "native")
	t0c, ok2 := r.medianTransfer(small, "nc")
	if !ok1 || !ok2 {
		return
	}
	var parts []string
	for _, size := range r.bigSizes() {
		tn, ok1 := r.medianTransfer(size, "native")
		tc, ok2 := r.medianTransfer(size, "nc")
		if !ok1 || !ok2 || tn <= t0n || tc <= t0c {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %.2fx", sizeLabel(size), (tn-t0n).Seconds()/(tc-t0c).Seconds()))
	}
	fmt.Fprintf(w, "| (not a target) native fixed cost, and its time vs nc without it | %s transfer %.2f s (nc %.3f s); %s | - |\n",
		sizeLabel(small), t0n.Seconds(), t0c.Seconds(), strings.Join(parts, ", "))
}

func (r *report) targets(w io.Writer) {
	fmt.Fprintf(w, "### Targets (issue 6)\n\n| target | measured (medians) | met |\n|---|---|---|\n")
	if r.transfers != nil {
		r.ratioTarget(w, "native transfer >= 4x faster than openssl + nc (binary)", "native", "ossl", 4, false)
		r.ratioTarget(w, "native transfer time <= 2x plain nc", "native", "nc", 2, true)
		r.fixedCostInfo(w)
		r.ratioTarget(w, "openssl-format binary >= openssl + nc binary", "nk-ossl", "ossl", 1, false)
		r.ratioTarget(w, "openssl-format -a >= 2x openssl + nc -base64", "nk-ossl-a", "ossl-b64", 2, false)
	}
	if r.messages != nil {
		// Both nckit receivers are legitimate: a decoder per connection (--each), or one
		// decoder kept started for all messages, as the tutorial's loop keeps openssl started.
		b, okB := r.msgRate("ossl-b64")
		a1, ok1 := r.msgRate("nk-ossl-b64")
		a2, ok2 := r.msgRate("nk-ossl-1dec")
		var parts []string
		best := 0.0
		if ok1 {
			parts = append(parts, fmt.Sprintf("`--each ncdec` %.1f", a1))
			best = max(best, a1)
		}
		if ok2 {
			parts = append(parts, fmt.Sprintf("`ncl -k | ncdec` %.1f", a2))
			best = max(best, a2)
		}
		m := "n/a"
		if okB && len(parts) > 0 {
			m = fmt.Sprintf("%s vs openssl + nc %.1f msg/s (best %.2fx)", strings.Join(parts, ", "), b, best/b)
		}
		fmt.Fprintf(w, "| openssl-format messages/s >= openssl + nc | %s | %s |\n", m, yesNo(okB && best > 0 && best >= b))
	}
	if r.latency != nil {
		lr, ok := r.latency["native"]
		m := "n/a"
		met := false
		if ok && lr.err == nil && len(lr.lines) > 0 {
			med := median(lr.lines)
			m = fmt.Sprintf("median %s ms over %d lines (first line %s ms, with KDF)", ms(med), len(lr.lines), ms(lr.first))
			met = med < 5*time.Millisecond
		} else if ok && lr.err != nil {
			m = "failed: " + lr.err.Error()
		}
		fmt.Fprintf(w, "| native interactive latency < 5 ms (median, after KDF) | %s | %s |\n", m, yesNo(met))
	}
	if r.transfers != nil {
		r.rssTargets(w)
	}
	fmt.Fprintln(w)
}

// rssOf returns the peak RSS (KiB) of every process of contender key at size, the maximum
// over the successful runs, in pipeline order (sender stages, then receiver stages).
func (r *report) rssOf(size int64, key string) []procStat {
	var out []procStat
	for _, rr := range r.transfers[transferKey{size, key}] {
		if rr.err != nil {
			continue
		}
		if out == nil {
			out = slices.Clone(rr.procs)
			continue
		}
		for i := range out {
			if i < len(rr.procs) {
				out[i].rssKiB = max(out[i].rssKiB, rr.procs[i].rssKiB)
			}
		}
	}
	return out
}

func (r *report) rssSizes() (small, big int64, ok bool) {
	small, big = -1, -1
	for _, s := range r.specs {
		if small < 0 || s.size < small {
			small = s.size
		}
		if s.size > big {
			big = s.size
		}
	}
	return small, big, small > 0 && big > small
}

func (r *report) rssTargets(w io.Writer) {
	small, big, ok := r.rssSizes()
	if !ok {
		return
	}
	flat := true
	var growth []string
	nclMax, codecMax := int64(0), int64(0)
	codecOver := []string{}
	seen := false
	for _, key := range []string{"native", "native-a", "nk-ossl", "nk-ossl-a"} {
		a, b := r.rssOf(small, key), r.rssOf(big, key)
		if a == nil || b == nil || len(a) != len(b) {
			continue
		}
		seen = true
		for i := range b {
			d := b[i].rssKiB - a[i].rssKiB
			if d > 2048 {
				flat = false
				growth = append(growth, fmt.Sprintf("%s %s +%s MiB", key, b[i].name, mib(d)))
			}
			switch b[i].name {
			case "ncl", "ncc":
				nclMax = max(nclMax, a[i].rssKiB, b[i].rssKiB)
			case "ncenc", "ncdec":
				limit := int64(16 << 10)
				if strings.HasPrefix(key, "native") {
					limit += int64(r.kdfMiB) << 10
				}
				m := max(a[i].rssKiB, b[i].rssKiB)
				codecMax = max(codecMax, m)
				if m >= limit || (strings.HasPrefix(key, "native") && r.kdfMiB == 0) {
					codecOver = append(codecOver, fmt.Sprintf("%s %s %s MiB (limit %s)", key, b[i].name, mib(m), mib(limit)))
				}
			}
		}
	}
	if !seen {
		fmt.Fprintf(w, "| peak RSS flat, ncl/ncc < 16 MiB, ncenc/ncdec < KDF + 16 MiB | n/a | **NO** |\n")
		return
	}
	// A decoder reading message after message must not add up their KDFs' memory either.
	for _, key := range []string{"nk-ossl-1dec", "native-1dec"} {
		m := r.decoderRSS(key)
		if m == 0 {
			continue
		}
		limit := int64(16 << 10)
		if key == "native-1dec" {
			limit += int64(r.kdfMiB) << 10
		}
		codecMax = max(codecMax, m)
		if m >= limit || (key == "native-1dec" && r.kdfMiB == 0) {
			codecOver = append(codecOver, fmt.Sprintf("%s ncdec %s MiB (limit %s)", key, mib(m), mib(limit)))
		}
	}
	g := "no process grows more than 2 MiB"
	if !flat {
		g = strings.Join(growth, "; ")
	}
	fmt.Fprintf(w, "| peak RSS flat from %s to %s | %s | %s |\n", sizeLabel(small), sizeLabel(big), g, yesNo(flat))
	fmt.Fprintf(w, "| peak RSS ncl/ncc < 16 MiB | max %s MiB | %s |\n", mib(nclMax), yesNo(nclMax < 16<<10))
	m := fmt.Sprintf("max %s MiB (native limit: KDF %d MiB + 16 MiB; openssl-format: 16 MiB)", mib(codecMax), r.kdfMiB)
	if r.decoderRSS("native-1dec") > 0 || r.decoderRSS("nk-ossl-1dec") > 0 {
		m += ", one decoder for all messages included"
	}
	if len(codecOver) > 0 {
		m += "; over: " + strings.Join(codecOver, "; ")
	}
	fmt.Fprintf(w, "| peak RSS ncenc/ncdec < KDF memory + 16 MiB | %s | %s |\n", m, yesNo(len(codecOver) == 0))
}

func (r *report) contenderOrder() []contender {
	return transferContenders(r.bins)
}

func (r *report) transferTables(w io.Writer) {
	fmt.Fprintf(w, "### Transfer over loopback\n\n")
	fmt.Fprintf(w, "Wall time from launching the sender (the receiver already listens) until every process has\n")
	fmt.Fprintf(w, "exited and the receiver's output, checked by length and CRC-32C, is complete; KDFs and process\n")
	fmt.Fprintf(w, "start included. Speed-up = openssl + nc (binary) time / this time; vs nc = this time / nc time.\n")
	fmt.Fprintf(w, "Streaming MiB/s leaves out the fixed cost (process start, KDFs, connection): the extra bytes over\n")
	fmt.Fprintf(w, "the smallest size divided by the extra time. Other load: CPUs kept busy by other work on the\n")
	fmt.Fprintf(w, "machine during the run (median), from /proc/stat minus the contenders' and the harness's CPU time.\n")
	fmt.Fprintf(w, "CPU s: user + system time of all the contender's processes (median): with two cores, a pipeline\n")
	fmt.Fprintf(w, "cannot finish faster than half of it. Best s: the fastest round, the least disturbed by other work.\n\n")
	small, _, _ := r.rssSizes()
	for _, s := range r.specs {
		fmt.Fprintf(w, "#### %s\n\n| contender | median s | best s | MiB/s | streaming MiB/s | speed-up vs openssl + nc | time vs nc | CPU s | other load | runs ok |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n", sizeLabel(s.size))
		tOssl, okOssl := r.medianTransfer(s.size, "ossl")
		tNc, okNc := r.medianTransfer(s.size, "nc")
		for _, c := range r.contenderOrder() {
			rs := r.transfers[transferKey{s.size, c.key}]
			if len(rs) == 0 {
				continue
			}
			ds, fails, last := okDurations(rs)
			r.failures += fails
			if len(ds) == 0 {
				fmt.Fprintf(w, "| %s | failed | | | | | | | | 0/%d: %s |\n", c.label, len(rs), mdEscape(last))
				continue
			}
			t := median(ds)
			up, vsNc := "", ""
			if okOssl {
				up = fmt.Sprintf("%.2fx", tOssl.Seconds()/t.Seconds())
			}
			if okNc {
				vsNc = fmt.Sprintf("%.2fx", t.Seconds()/tNc.Seconds())
			}
			note := fmt.Sprintf("%d/%d", len(ds), len(rs))
			if fails > 0 {
				note += ": " + mdEscape(last)
			}
			stream := ""
			if t0, ok := r.medianTransfer(small, c.key); ok && s.size > small && t > t0 {
				stream = fmt.Sprintf("%.0f", float64(s.size-small)/(1<<20)/(t-t0).Seconds())
			}
			var loads []float64
			var cpus []time.Duration
			for _, rr := range rs {
				if rr.err == nil {
					loads = append(loads, rr.foreign)
					var c time.Duration
					for _, p := range rr.procs {
						c += p.user + p.sys
					}
					cpus = append(cpus, c)
				}
			}
			fmt.Fprintf(w, "| %s | %.3f | %.3f | %.0f | %s | %s | %s | %.2f | %.2f | %s |\n", c.label, t.Seconds(), slices.Min(ds).Seconds(),
				float64(s.size)/(1<<20)/t.Seconds(), stream, up, vsNc, median(cpus).Seconds(), medianF(loads), note)
		}
		fmt.Fprintln(w)
	}
}

func (r *report) rssTable(w io.Writer) {
	small, big, ok := r.rssSizes()
	if !ok {
		return
	}
	fmt.Fprintf(w, "### Peak memory (max RSS per process, MiB)\n\n| contender | process | %s | %s | growth |\n|---|---|---:|---:|---:|\n", sizeLabel(small), sizeLabel(big))
	for _, c := range r.contenderOrder() {
		a, b := r.rssOf(small, c.key), r.rssOf(big, c.key)
		if a == nil || b == nil || len(a) != len(b) {
			continue
		}
		for i := range b {
			fmt.Fprintf(w, "| %s | %s (%s) | %s | %s | %+.1f |\n", c.label, b[i].name, b[i].role, mib(a[i].rssKiB), mib(b[i].rssKiB),
				float64(b[i].rssKiB-a[i].rssKiB)/1024)
		}
	}
	fmt.Fprintln(w)
}

// cpuTable shows where the CPU went in the largest transfer: the busiest process bounds
// the pipeline's throughput.
func (r *report) cpuTable(w io.Writer) {
	_, big, ok := r.rssSizes()
	if !ok {
		return
	}
	fmt.Fprintf(w, "### CPU per process, %s transfer (first successful run)\n\n| contender | wall s | process | user s | sys s | CPU %% of wall |\n|---|---:|---|---:|---:|---:|\n", sizeLabel(big))
	for _, c := range r.contenderOrder() {
		for _, rr := range r.transfers[transferKey{big, c.key}] {
			if rr.err != nil {
				continue
			}
			for _, p := range rr.procs {
				fmt.Fprintf(w, "| %s | %.2f | %s (%s) | %.2f | %.2f | %.0f |\n", c.label, rr.dur.Seconds(), p.name, p.role,
					p.user.Seconds(), p.sys.Seconds(), 100*(p.user+p.sys).Seconds()/rr.dur.Seconds())
			}
			break
		}
	}
	fmt.Fprintln(w)
}

func (r *report) msgRate(key string) (float64, bool) {
	var rates []float64
	for _, m := range r.messages[key] {
		if m.err == nil {
			rates = append(rates, m.rate)
		}
	}
	if len(rates) == 0 {
		return 0, false
	}
	return medianF(rates), true
}

// decoderRSS is the largest peak RSS of contender key's one decoder over the rounds, 0 if
// none was measured.
func (r *report) decoderRSS(key string) int64 {
	var m int64
	for _, mr := range r.messages[key] {
		m = max(m, mr.decRSSKiB)
	}
	return m
}

func (r *report) messageTable(w io.Writer) {
	fmt.Fprintf(w, "### One connection per message\n\n")
	fmt.Fprintf(w, "Each message is a fresh `enc | connect` (as in the tutorial's sender loop); the next one starts\n")
	fmt.Fprintf(w, "when the previous decrypted line came out of the receiver. Per message = launch of the sender\n")
	fmt.Fprintf(w, "to the decrypted line. Decoder MiB: peak RSS of the one decoder that read all of a round's\n")
	fmt.Fprintf(w, "messages (`ncl -k | ncdec`; the largest of the rounds), stopped by ending its listener.\n\n")
	fmt.Fprintf(w, "| contender | msg/s (median of rounds) | median per message ms | decoder MiB | rounds ok |\n|---|---:|---:|---:|---:|\n")
	for _, c := range messageContenders(r.bins) {
		ms_ := r.messages[c.key]
		if len(ms_) == 0 {
			continue
		}
		var all []time.Duration
		ok, last := 0, ""
		for _, m := range ms_ {
			if m.err != nil {
				last = m.err.Error()
				r.failures++
				continue
			}
			ok++
			all = append(all, m.perMsg...)
		}
		rate, okRate := r.msgRate(c.key)
		if !okRate {
			fmt.Fprintf(w, "| %s | failed | | | 0/%d: %s |\n", c.label, len(ms_), mdEscape(last))
			continue
		}
		note := fmt.Sprintf("%d/%d", ok, len(ms_))
		if last != "" {
			note += ": " + mdEscape(last)
		}
		dec := ""
		if k := r.decoderRSS(c.key); k > 0 {
			dec = mib(k)
		}
		fmt.Fprintf(w, "| %s | %.1f | %s | %s | %s |\n", c.label, rate, ms(median(all)), dec, note)
	}
	fmt.Fprintln(w)
}

func (r *report) latencyTable(w io.Writer) {
	fmt.Fprintf(w, "### Interactive latency on one connection\n\n")
	fmt.Fprintf(w, "Lines written one at a time into `enc | connect`; time until the same line leaves `listen | dec`.\n")
	fmt.Fprintf(w, "The first line also pays for process start, connection and both KDFs.\n\n")
	fmt.Fprintf(w, "| contender | first line ms | median ms | p90 ms | max ms | lines |\n|---|---:|---:|---:|---:|---:|\n")
	for _, c := range latencyContenders(r.bins) {
		lr, ok := r.latency[c.key]
		if !ok {
			continue
		}
		switch {
		case lr.err != nil:
			r.failures++
			fmt.Fprintf(w, "| %s | failed: %s | | | | |\n", c.label, mdEscape(lr.err.Error()))
		case lr.buffered:
			fmt.Fprintf(w, "| %s | held back until EOF: not interactive | | | | 0 |\n", c.label)
		default:
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d |\n", c.label, ms(lr.first), ms(median(lr.lines)),
				ms(percentile(lr.lines, 0.9)), ms(slices.Max(lr.lines)), len(lr.lines)+1)
		}
	}
	fmt.Fprintln(w)
}

func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// writeBetweenMarkers replaces the generated part of path, keeping the hand-written text
// around it; a file without markers gets the generated part appended.
func writeBetweenMarkers(path, md string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	s := string(old)
	var out string
	i := strings.Index(s, beginMarker)
	j := strings.Index(s, endMarker)
	switch {
	case i >= 0 && j > i:
		out = s[:i] + md + strings.TrimPrefix(s[j+len(endMarker):], "\n")
	case len(s) == 0:
		out = "# Benchmarks\n\n" + md
	default:
		out = strings.TrimRight(s, "\n") + "\n\n" + md
	}
	return os.WriteFile(path, []byte(out), 0o644)
}
