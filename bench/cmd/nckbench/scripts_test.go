package main

import (
	"slices"
	"testing"
)

func TestParseScriptLatency(t *testing.T) {
	out := "measuring chat.sh...\n" +
		"latency chat native first_ms=412.5 median_ms=3.2\n" +
		"latency v1 openssl first_ms=30 median_ms=28.4ms rounds=20\n" +
		"latency v2 native median_ms=x\n" +
		"latency short\n"
	got := parseScriptLatency(out)
	want := []scriptLat{
		{pair: "chat", format: "native", first: 412.5, median: 3.2, firstOK: true, medOK: true},
		{pair: "v1", format: "openssl", first: 30, median: 28.4, firstOK: true, medOK: true, extra: []string{"rounds=20"}},
		{pair: "v2", format: "native", extra: []string{"median_ms=x"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.pair != w.pair || g.format != w.format || g.first != w.first || g.median != w.median ||
			g.firstOK != w.firstOK || g.medOK != w.medOK || !slices.Equal(g.extra, w.extra) {
			t.Errorf("row %d = %+v, want %+v", i, g, w)
		}
	}
}
