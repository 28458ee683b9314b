package main

import (
	"slices"
	"testing"
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
