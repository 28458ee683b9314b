package main

import (
	"slices"
	"time"
)

// number is what the statistics below work on: durations, byte counts and rates.
type number interface {
	~int64 | ~float64
}

// median is the middle value (the mean of the two middle ones for an even count), 0 for none.
func median[T number](xs []T) T {
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

// percentile is the nearest-rank percentile p (0 < p <= 1), 0 for none.
func percentile[T number](xs []T, p float64) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(p*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

// okDurations returns the durations of the successful runs, how many failed and the last
// failure.
func okDurations(rs []runResult) (ds []time.Duration, fails int, last string) {
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
