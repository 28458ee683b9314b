package main

import (
	"strings"
	"testing"
	"time"
)

// fakeReport is a run with one median per (size, contender), in seconds.
func fakeReport(times map[transferKey]float64, sizes ...int64) *report {
	r := &report{transfers: map[transferKey][]runResult{}, kdfMiB: 64}
	for _, s := range sizes {
		r.specs = append(r.specs, sizeSpec{s, 1})
	}
	for k, sec := range times {
		r.transfers[k] = []runResult{{dur: time.Duration(sec * float64(time.Second))}}
	}
	return r
}

func findRow(t *testing.T, rows []targetRow, prefix string) targetRow {
	t.Helper()
	for _, row := range rows {
		if strings.HasPrefix(row.name, prefix) {
			return row
		}
	}
	t.Fatalf("no target row starting %q", prefix)
	return targetRow{}
}

func TestTransferTargets(t *testing.T) {
	const M, G = 1 << 20, 1 << 30
	r := fakeReport(map[transferKey]float64{
		{M, "native"}: 0.150, {M, "nc"}: 0.005,
		{64 * M, "native"}: 0.5, {64 * M, "nc"}: 0.1, {64 * M, "ossl"}: 0.4,
		{64 * M, "nk-ossl"}: 0.30, {64 * M, "nk-ossl-a"}: 0.5, {64 * M, "ossl-b64"}: 0.6,
		{256 * M, "native"}: 0.6, {256 * M, "nc"}: 0.4, {256 * M, "ossl"}: 1.2, {256 * M, "native-a"}: 1.3,
		{256 * M, "nk-ossl"}: 0.9, {256 * M, "nk-ossl-a"}: 1.0, {256 * M, "ossl-b64"}: 1.4,
		{G, "native"}: 2.0, {G, "nc"}: 1.2, {G, "ossl"}: 3.8, {G, "native-a"}: 3.0,
		{G, "nk-ossl"}: 2.8, {G, "nk-ossl-a"}: 3.0, {G, "ossl-b64"}: 4.0,
	}, M, 64*M, 256*M, G)
	r.kdfTimes = []time.Duration{100 * time.Millisecond, 120 * time.Millisecond, 110 * time.Millisecond}
	rows := r.targets()
	tests := []struct {
		prefix   string
		met      bool
		measured string
	}{
		// 0.6/0.4 = 1.50 (met), 2.0/1.2 = 1.67 (not): 64 MiB is not judged.
		{"native transfer time <= 1.5x", false, "256 MiB: 1.50x, 1 GiB: 1.67x"},
		{"native transfer >= 2x faster", false, "256 MiB: 2.00x, 1 GiB: 1.90x"},
		// 0.150 <= 0.110 + 0.040
		{"native 1 MiB transfer <= one KDF", true, "0.150 s; one KDF"},
		{"native -a >= openssl + nc", false, "256 MiB: 0.92x, 1 GiB: 1.27x"},
		{"openssl-format binary >= 1.3x", true, "64 MiB: 1.33x, 256 MiB: 1.33x, 1 GiB: 1.36x"},
		{"openssl-format -a >= 1.3x", false, "64 MiB: 1.20x, 256 MiB: 1.40x, 1 GiB: 1.33x"},
	}
	for _, tt := range tests {
		row := findRow(t, rows, tt.prefix)
		if !strings.HasPrefix(row.measured, tt.measured) {
			t.Errorf("%s: measured %q, want it to start %q", tt.prefix, row.measured, tt.measured)
		}
		if row.met != tt.met {
			t.Errorf("%s: met = %v, want %v (%s)", tt.prefix, row.met, tt.met, row.measured)
		}
	}
}

func TestTargetsWithoutTheirSizes(t *testing.T) {
	r := fakeReport(map[transferKey]float64{{64 << 20, "native"}: 1, {64 << 20, "nc"}: 0.1}, 64<<20)
	rows := r.targets()
	for _, prefix := range []string{"native transfer time", "native 1 MiB"} {
		row := findRow(t, rows, prefix)
		if row.met || !strings.Contains(row.measured, "n/a") {
			t.Errorf("%s: got met=%v %q, want n/a and not met", prefix, row.met, row.measured)
		}
	}
}

func TestMessageTarget(t *testing.T) {
	r := &report{messages: map[string][]msgResult{
		"ossl-b64":    {{rate: 20}, {rate: 30}, {rate: 25}},
		"nk-ossl-b64": {{rate: 40}, {rate: 37}, {rate: 38}},
	}}
	row := r.messageTarget()
	if !row.met || !strings.HasPrefix(row.measured, "38.0 vs 25.0 msg/s: 1.52x") {
		t.Errorf("got met=%v %q", row.met, row.measured)
	}
	r.messages["nk-ossl-b64"] = []msgResult{{rate: 37}}
	if row := r.messageTarget(); row.met {
		t.Errorf("1.48x counted as met: %q", row.measured)
	}
}

func TestMemoryTargets(t *testing.T) {
	procs := func(rss ...int64) []procStat {
		names := []string{"ncenc", "ncc", "ncl", "ncdec"}
		var ps []procStat
		for i, k := range rss {
			ps = append(ps, procStat{name: names[i], rssKiB: k})
		}
		return ps
	}
	r := &report{kdfMiB: 64, specs: []sizeSpec{{1 << 20, 1}, {1 << 30, 1}}, transfers: map[transferKey][]runResult{
		{1 << 20, "native"}: {{procs: procs(68<<10, 6<<10, 6<<10, 68<<10)}},
		{1 << 30, "native"}: {{procs: procs(69<<10, 6<<10, 9<<10, 81<<10)}},
	}}
	rows := r.memoryTargets()
	if len(rows) != 3 {
		t.Fatalf("got %d rows, want 3", len(rows))
	}
	if rows[0].met || !strings.Contains(rows[0].measured, "native ncl +3.0 MiB") {
		t.Errorf("flat: %+v", rows[0])
	}
	if !rows[1].met {
		t.Errorf("ncl/ncc: %+v", rows[1])
	}
	if rows[2].met || !strings.Contains(rows[2].measured, "native ncdec 81.0 MiB (limit 80.0)") {
		t.Errorf("codecs: %+v", rows[2])
	}
}
