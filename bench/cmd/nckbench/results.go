package main

import (
	"slices"
	"time"
)

// report is everything one run measured, with the accessors the targets and the tables share.
type report struct {
	started, finished time.Time
	bins              bins
	specs             []sizeSpec
	msgs, msgRounds   int
	lines             int
	env               [][2]string
	loadAtEnd         string
	kdfMiB            int
	kdfSource         string
	kdfTimes          []time.Duration // one key derivation in a fresh ncenc, one per round
	transfers         map[transferKey][]runResult
	messages          map[string][]msgResult
	latency           map[string]latResult
	scripts           *scriptsResult
}

type transferKey struct {
	size int64
	key  string
}

// failures counts the failed runs of every section.
func (r *report) failures() int {
	n := 0
	for _, rs := range r.transfers {
		_, fails, _ := okDurations(rs)
		n += fails
	}
	for _, ms := range r.messages {
		for _, m := range ms {
			if m.err != nil {
				n++
			}
		}
	}
	for _, l := range r.latency {
		if l.err != nil {
			n++
		}
	}
	return n
}

func (r *report) medianTransfer(size int64, key string) (time.Duration, bool) {
	ds, _, _ := okDurations(r.transfers[transferKey{size, key}])
	if len(ds) == 0 {
		return 0, false
	}
	return median(ds), true
}

// sizesFrom returns the transfer sizes of at least min bytes, in the order given.
func (r *report) sizesFrom(min int64) []int64 {
	var out []int64
	for _, s := range r.specs {
		if s.size >= min {
			out = append(out, s.size)
		}
	}
	return out
}

// hasSize tells whether size was one of the transfer sizes.
func (r *report) hasSize(size int64) bool {
	return slices.ContainsFunc(r.specs, func(s sizeSpec) bool { return s.size == size })
}

// rssSizes are the smallest and the largest transfer sizes, between which memory must stay flat.
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

// msgRate is the median over the rounds of contender key's messages per second.
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
	return median(rates), true
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
