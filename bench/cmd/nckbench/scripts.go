package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// scriptsLatency is the scripts' own benchmark: bench/scripts_latency.sh, owned with the
// scripts, measures each script pair (sender and receiver) in both formats. The harness runs
// it from the repository root with the binaries first in PATH (and their directory in
// NCKBENCH_BIN) and reads lines of the form
//
//	latency PAIR FORMAT first_ms=N median_ms=N [more key=value fields]
//
// from its stdout; any other line is ignored.
const scriptsLatency = "bench/scripts_latency.sh"

// scriptLat is one script pair's figures.
type scriptLat struct {
	pair, format   string
	first, median  float64 // ms
	extra          []string
	firstOK, medOK bool
}

type scriptsResult struct {
	rows []scriptLat
	note string // why there are no figures, or what went wrong
	dur  time.Duration
}

func benchScripts(b bins, timeout time.Duration) scriptsResult {
	if _, err := os.Stat(scriptsLatency); err != nil {
		return scriptsResult{note: scriptsLatency + " not found: the scripts' figures are skipped"}
	}
	if !b.ok {
		return scriptsResult{note: "nckit not built: the scripts' figures are skipped"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", scriptsLatency)
	cmd.Env = append(os.Environ(), "PATH="+b.dir+string(filepath.ListSeparator)+os.Getenv("PATH"),
		"NCKBENCH_BIN="+b.dir)
	cmd.Stdin = devNull
	errTail := &tail{}
	cmd.Stderr = errTail
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err := cmd.Output()
	res := scriptsResult{rows: parseScriptLatency(string(out)), dur: time.Since(start)}
	switch {
	case ctx.Err() != nil:
		res.note = fmt.Sprintf("%s timed out after %v", scriptsLatency, timeout)
	case err != nil:
		res.note = fmt.Sprintf("%s failed: %v: %s", scriptsLatency, err, errTail.lastLine())
	case len(res.rows) == 0:
		res.note = scriptsLatency + " printed no latency lines"
	}
	return res
}

// parseScriptLatency reads the "latency PAIR FORMAT key=value..." lines of out.
func parseScriptLatency(out string) []scriptLat {
	var rows []scriptLat
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || f[0] != "latency" {
			continue
		}
		r := scriptLat{pair: f[1], format: f[2]}
		for _, kv := range f[3:] {
			k, v, _ := strings.Cut(kv, "=")
			x, err := strconv.ParseFloat(strings.TrimSuffix(v, "ms"), 64)
			switch {
			case k == "first_ms" && err == nil:
				r.first, r.firstOK = x, true
			case k == "median_ms" && err == nil:
				r.median, r.medOK = x, true
			default:
				r.extra = append(r.extra, kv)
			}
		}
		rows = append(rows, r)
	}
	return rows
}
