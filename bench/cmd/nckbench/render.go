package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// markdown renders the report: the generated part of docs/BENCHMARKS.md, markers included.
func (r *report) markdown() string {
	var w bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&w, format, a...) }
	p("%s\n\n", beginMarker)
	p("## Latest run\n\n")
	p("- run: %s, %v (`make bench`)\n", r.started.UTC().Format("2006-01-02 15:04 MST"),
		r.finished.Sub(r.started).Round(time.Second))
	for _, kv := range r.env {
		p("- %s: %s\n", kv[0], kv[1])
	}
	var sz []string
	for _, s := range r.specs {
		sz = append(sz, fmt.Sprintf("%s x%d", sizeLabel(s.size), s.rounds))
	}
	p("- transfer sizes (rounds): %s; messages: %d rounds of %d; latency: %d lines\n",
		strings.Join(sz, ", "), r.msgRounds, r.msgs, r.lines)
	if r.loadAtEnd != "" {
		p("- load average at end: %s\n", r.loadAtEnd)
	}
	p("- ncenc default KDF: %s\n\n", r.kdfSource)

	renderTargets(&w, r.targets())
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
	if r.scripts != nil {
		r.scriptsTable(&w)
	}
	p("%s\n", endMarker)
	return w.String()
}

func renderTargets(w io.Writer, rows []targetRow) {
	fmt.Fprintf(w, "### Targets (issue 16; memory and latency from issue 6)\n\n")
	fmt.Fprintf(w, "| target | measured (medians) | met |\n|---|---|---|\n")
	for _, t := range rows {
		met := "-"
		if !t.info {
			met = yesNo(t.met)
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.name, mdCell(t.measured), met)
	}
	fmt.Fprintln(w)
}

func (r *report) transferTables(w io.Writer) {
	fmt.Fprint(w, `### Transfer over loopback

Wall time from launching the sender (the receiver already listens) until every process has
exited and the receiver's output, checked by length and CRC-32C, is complete; KDFs and process
start included. Speed-up = openssl + nc (binary) time / this time; vs nc = this time / nc time.
Streaming MiB/s leaves out the fixed cost (process start, KDFs, connection): the extra bytes over
the smallest size divided by the extra time. Other load: CPUs kept busy by other work on the
machine during the run (median), from /proc/stat minus the contenders' and the harness's CPU time.
CPU s: user + system time of all the contender's processes (median): with two cores, a pipeline
cannot finish faster than half of it. Best s: the fastest round, the least disturbed by other work.

`)
	small, _, _ := r.rssSizes()
	for _, s := range r.specs {
		fmt.Fprintf(w, "#### %s\n\n", sizeLabel(s.size))
		fmt.Fprintf(w, "| contender | median s | best s | MiB/s | streaming MiB/s | speed-up vs openssl + nc "+
			"| time vs nc | CPU s | other load | runs ok |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		tOssl, okOssl := r.medianTransfer(s.size, "ossl")
		tNc, okNc := r.medianTransfer(s.size, "nc")
		for _, c := range allTransferContenders(r.bins) {
			rs := r.transfers[transferKey{s.size, c.key}]
			if len(rs) == 0 {
				continue
			}
			ds, fails, last := okDurations(rs)
			if len(ds) == 0 {
				fmt.Fprintf(w, "| %s | failed | | | | | | | | 0/%d: %s |\n", mdCell(c.label), len(rs), mdEscape(last))
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
					cpus = append(cpus, rr.cpu())
				}
			}
			fmt.Fprintf(w, "| %s | %.3f | %.3f | %.0f | %s | %s | %s | %.2f | %.2f | %s |\n", mdCell(c.label),
				t.Seconds(), slices.Min(ds).Seconds(), float64(s.size)/(1<<20)/t.Seconds(), stream, up, vsNc,
				median(cpus).Seconds(), median(loads), note)
		}
		fmt.Fprintln(w)
	}
}

func (r *report) rssTable(w io.Writer) {
	small, big, ok := r.rssSizes()
	if !ok {
		return
	}
	fmt.Fprintf(w, "### Peak memory (max RSS per process, MiB)\n\n")
	fmt.Fprintf(w, "| contender | process | %s | %s | growth |\n|---|---|---:|---:|---:|\n", sizeLabel(small), sizeLabel(big))
	for _, c := range allTransferContenders(r.bins) {
		a, b := r.rssOf(small, c.key), r.rssOf(big, c.key)
		if a == nil || b == nil || len(a) != len(b) {
			continue
		}
		for i := range b {
			fmt.Fprintf(w, "| %s | %s (%s) | %s | %s | %+.1f |\n", mdCell(c.label), b[i].name, b[i].role,
				mib(a[i].rssKiB), mib(b[i].rssKiB), float64(b[i].rssKiB-a[i].rssKiB)/1024)
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
	fmt.Fprintf(w, "### CPU per process, %s transfer (first successful run)\n\n", sizeLabel(big))
	fmt.Fprintf(w, "| contender | wall s | process | user s | sys s | CPU %% of wall |\n|---|---:|---|---:|---:|---:|\n")
	for _, c := range allTransferContenders(r.bins) {
		for _, rr := range r.transfers[transferKey{big, c.key}] {
			if rr.err != nil {
				continue
			}
			for _, p := range rr.procs {
				fmt.Fprintf(w, "| %s | %.2f | %s (%s) | %.2f | %.2f | %.0f |\n", mdCell(c.label), rr.dur.Seconds(), p.name,
					p.role, p.user.Seconds(), p.sys.Seconds(), 100*(p.user+p.sys).Seconds()/rr.dur.Seconds())
			}
			break
		}
	}
	fmt.Fprintln(w)
}

func (r *report) messageTable(w io.Writer) {
	fmt.Fprint(w, `### One connection per message

Each message is a fresh `+"`enc | connect`"+` (as in the tutorial's sender loop); the next one starts
when the previous decrypted line came out of the receiver. Per message = launch of the sender
to the decrypted line. Decoder MiB: peak RSS of the one decoder that read all of a round's
messages (`+"`ncl -k | ncdec`"+`; the largest of the rounds), stopped by ending its listener.

| contender | msg/s (median of rounds) | median per message ms | decoder MiB | rounds ok |
|---|---:|---:|---:|---:|
`)
	for _, c := range messageContenders(r.bins) {
		rounds := r.messages[c.key]
		if len(rounds) == 0 {
			continue
		}
		var all []time.Duration
		ok, last := 0, ""
		for _, m := range rounds {
			if m.err != nil {
				last = m.err.Error()
				continue
			}
			ok++
			all = append(all, m.perMsg...)
		}
		rate, okRate := r.msgRate(c.key)
		if !okRate {
			fmt.Fprintf(w, "| %s | failed | | | 0/%d: %s |\n", mdCell(c.label), len(rounds), mdEscape(last))
			continue
		}
		note := fmt.Sprintf("%d/%d", ok, len(rounds))
		if last != "" {
			note += ": " + mdEscape(last)
		}
		dec := ""
		if k := r.decoderRSS(c.key); k > 0 {
			dec = mib(k)
		}
		fmt.Fprintf(w, "| %s | %.1f | %s | %s | %s |\n", mdCell(c.label), rate, ms(median(all)), dec, note)
	}
	fmt.Fprintln(w)
}

func (r *report) latencyTable(w io.Writer) {
	fmt.Fprint(w, `### Interactive latency on one connection

Lines written one at a time into `+"`enc | connect`"+`; time until the same line leaves `+"`listen | dec`"+`.
The first line also pays for process start, connection and both KDFs.

| contender | first line ms | median ms | p90 ms | max ms | lines |
|---|---:|---:|---:|---:|---:|
`)
	for _, c := range latencyContenders(r.bins) {
		lr, ok := r.latency[c.key]
		if !ok {
			continue
		}
		switch {
		case lr.err != nil:
			fmt.Fprintf(w, "| %s | failed: %s | | | | |\n", mdCell(c.label), mdEscape(lr.err.Error()))
		case lr.buffered:
			fmt.Fprintf(w, "| %s | held back until EOF: not interactive | | | | 0 |\n", mdCell(c.label))
		default:
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d |\n", mdCell(c.label), ms(lr.first), ms(median(lr.lines)),
				ms(percentile(lr.lines, 0.9)), ms(slices.Max(lr.lines)), len(lr.lines)+1)
		}
	}
	fmt.Fprintln(w)
}

func (r *report) scriptsTable(w io.Writer) {
	s := r.scripts
	fmt.Fprintf(w, "### The scripts, per message\n\n")
	fmt.Fprintf(w, "Measured by `%s`, the scripts' own harness (its header says what it times):\n", scriptsLatency)
	fmt.Fprintf(w, "the first message of a session, which pays for process start, connection and KDFs, and the\n")
	fmt.Fprintf(w, "median of the later ones.\n\n")
	if s.note != "" {
		fmt.Fprintf(w, "%s.\n\n", mdEscape(s.note))
	}
	if len(s.rows) == 0 {
		return
	}
	fmt.Fprintf(w, "| script pair | format | first message ms | median per message ms | other |\n|---|---|---:|---:|---|\n")
	for _, l := range s.rows {
		first, med := "", ""
		if l.firstOK {
			first = fmt.Sprintf("%.1f", l.first)
		}
		if l.medOK {
			med = fmt.Sprintf("%.1f", l.median)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", mdEscape(l.pair), mdEscape(l.format), first, med,
			mdEscape(strings.Join(l.extra, " ")))
	}
	fmt.Fprintln(w)
}

func yesNo(ok bool) string {
	if ok {
		return "**yes**"
	}
	return "**NO**"
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

func mib(kib int64) string { return fmt.Sprintf("%.1f", float64(kib)/1024) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// mdCell makes s fit in one table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

// mdEscape makes s, an error or a note, fit in one table cell, cut at 200 bytes.
func mdEscape(s string) string {
	s = mdCell(s)
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
