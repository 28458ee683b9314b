package main

import (
	"testing"
	"time"
)

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

func TestMedianFloat(t *testing.T) {
	if got := median([]float64{3, 1, 2, 10}); got != 2.5 {
		t.Errorf("median = %v, want 2.5", got)
	}
}
