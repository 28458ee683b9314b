package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseSizes(t *testing.T) {
	tests := []struct {
		in      string
		want    []sizeSpec
		wantErr bool
	}{
		{in: "1M:3,64M:5,1G", want: []sizeSpec{{1 << 20, 3}, {64 << 20, 5}, {1 << 30, 1}}},
		{in: "512K", want: []sizeSpec{{512 << 10, 1}}},
		{in: " 2M:2 , ", want: []sizeSpec{{2 << 20, 2}}},
		{in: "0M", wantErr: true},
		{in: "1M:0", wantErr: true},
		{in: "1T", wantErr: true},
		{in: "M:2", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseSizes(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseSizes(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !slices.Equal(got, tt.want) {
			t.Errorf("parseSizes(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestMedianPercentile(t *testing.T) {
	ms := func(xs ...int) []time.Duration {
		var out []time.Duration
		for _, x := range xs {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	tests := []struct {
		in       []time.Duration
		med, p90 time.Duration
	}{
		{in: nil, med: 0, p90: 0},
		{in: ms(5), med: 5 * time.Millisecond, p90: 5 * time.Millisecond},
		{in: ms(3, 1, 2), med: 2 * time.Millisecond, p90: 3 * time.Millisecond},
		{in: ms(4, 1, 3, 2), med: 2500 * time.Microsecond, p90: 4 * time.Millisecond},
		{in: ms(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), med: 5500 * time.Microsecond, p90: 9 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.med {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.med)
		}
		if got := percentile(tt.in, 0.9); got != tt.p90 {
			t.Errorf("percentile(%v, 0.9) = %v, want %v", tt.in, got, tt.p90)
		}
	}
}

func TestRotate(t *testing.T) {
	xs := []string{"a", "b", "c"}
	for r, want := range [][]string{{"a", "b", "c"}, {"b", "c", "a"}, {"c", "a", "b"}, {"a", "b", "c"}} {
		if got := rotate(xs, r); !slices.Equal(got, want) {
			t.Errorf("rotate(%v, %d) = %v, want %v", xs, r, got, want)
		}
	}
	if !slices.Equal(xs, []string{"a", "b", "c"}) {
		t.Errorf("rotate modified its input: %v", xs)
	}
}

// The generated part is replaced and the hand-written text around it kept.
func TestWriteBetweenMarkers(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, before, want string
	}{
		{"new file", "", "# Benchmarks\n\n" + beginMarker + "\nNEW\n" + endMarker + "\n"},
		{"replace", "head\n" + beginMarker + "\nOLD\n" + endMarker + "\ntail\n",
			"head\n" + beginMarker + "\nNEW\n" + endMarker + "\ntail\n"},
		{"no markers", "notes\n", "notes\n\n" + beginMarker + "\nNEW\n" + endMarker + "\n"},
		{"end marker at EOF", "head\n" + beginMarker + "\nOLD\n" + endMarker,
			"head\n" + beginMarker + "\nNEW\n" + endMarker + "\n"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".md")
		if tt.before != "" {
			if err := os.WriteFile(path, []byte(tt.before), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := writeBetweenMarkers(path, beginMarker+"\nNEW\n"+endMarker+"\n"); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestAnnounceRE(t *testing.T) {
	tests := []struct{ line, port string }{
		{"listening on 127.0.0.1:40123", "40123"},
		{"listening on [::1]:5", "5"},
		{"Listening on 127.0.0.1 38953", "38953"},
		{"connection from 127.0.0.1:1234", ""},
	}
	for _, tt := range tests {
		got := ""
		if m := announceRE.FindStringSubmatch(tt.line); m != nil {
			got = m[1]
		}
		if got != tt.port {
			t.Errorf("announced port in %q = %q, want %q", tt.line, got, tt.port)
		}
	}
}
