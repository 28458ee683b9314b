package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSnapshot is the machine's total busy CPU time and the harness's own, taken at the
// start and end of a run: what neither the contenders nor the harness used was spent by
// other work on the machine, which slows the contenders down on two cores.
type cpuSnapshot struct {
	busy time.Duration
	self time.Duration
}

func snapshotCPU() cpuSnapshot {
	var s cpuSnapshot
	if data, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(data), "\n")
		f := strings.Fields(line)
		// cpu user nice system idle iowait irq softirq steal ...
		for i, v := range f {
			if i == 0 || i == 4 || i == 5 || i > 8 {
				continue
			}
			n, _ := strconv.ParseInt(v, 10, 64)
			s.busy += time.Duration(n) * 10 * time.Millisecond // USER_HZ is 100 on Linux
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return s
}

// foreignCores is how many CPUs, on average over wall, other work kept busy between a and
// b, given the CPU time the contenders used.
func foreignCores(a, b cpuSnapshot, contenders, wall time.Duration) float64 {
	if wall <= 0 {
		return 0
	}
	other := (b.busy - a.busy) - (b.self - a.self) - contenders
	return max(0, other.Seconds()/wall.Seconds())
}
