package encdec

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/nckit/nckit/internal/native"
)

// The KDF window: the Argon2id costs a receiver accepts from a header, checked before
// anything is allocated or derived. The floor is OWASP's minimum (m=19 MiB with t=2, and no
// less than its smallest memory, 7 MiB), so that a header cannot make guessing cheap; the
// ceiling is 4x the default cost (t=2, m=64 MiB), so that it cannot make the receiver spend
// seconds and gigabytes. ncenc writes only what a default ncdec accepts.
const (
	floorCostKiB   = 38 << 10 // t*m, KiB-passes
	floorMemoryKiB = 7 << 10
	defMaxMemMiB   = 256
	defMaxTime     = 2 // the ceiling on t*m is defMaxTime passes over the memory ceiling
	maxThreads     = 4
)

// window is a receiver's KDF policy: the ceilings (widened by -argon2-max-memory and
// -argon2-max-time), the floor, and any parameters pinned by -argon2-time/-memory/-threads.
type window struct {
	maxMemKiB uint64
	maxTime   uint64
	pin       native.Params // zero fields are not pinned
	receiver  bool          // ncdec's: pinning is the way past the threads ceiling
}

func defaultWindow() window {
	return window{maxMemKiB: defMaxMemMiB << 10, maxTime: defMaxTime}
}

// check refuses p outside the window. who names the asker ("header asks"), whose the
// ceiling's owner ("this receiver's").
func (w window) check(p native.Params, who, whose string) error {
	pin := w.pin
	if (pin.Time != 0 && p.Time != pin.Time) || (pin.MemoryKiB != 0 && p.MemoryKiB != pin.MemoryKiB) ||
		(pin.Threads != 0 && p.Threads != pin.Threads) {
		return fmt.Errorf("%s argon2 time %d, memory %d KiB, threads %d: not the pinned %s",
			who, p.Time, p.MemoryKiB, p.Threads, pinned(pin))
	}
	m, cost := uint64(p.MemoryKiB), uint64(p.Time)*uint64(p.MemoryKiB)
	if p.Threads > maxThreads && pin.Threads == 0 {
		hint := ""
		if w.receiver {
			hint = fmt.Sprintf(" (-argon2-threads %d accepts exactly that)", p.Threads)
		}
		return fmt.Errorf("%s argon2 threads %d, over %s ceiling %d%s", who, p.Threads, whose, maxThreads, hint)
	}
	if pin.Time != 0 && pin.MemoryKiB != 0 {
		return nil // the receiver chose the cost itself
	}
	switch {
	case m > w.maxMemKiB:
		return fmt.Errorf("%s argon2 memory %d KiB, over %s ceiling %d KiB (-argon2-max-memory MIB widens it)",
			who, m, whose, w.maxMemKiB)
	case cost > w.maxTime*w.maxMemKiB:
		return fmt.Errorf("%s argon2 time %d with memory %d KiB (%d MiB of passes), over %s ceiling %d MiB of passes (-argon2-max-time N widens it)",
			who, p.Time, m, cost>>10, whose, w.maxTime*w.maxMemKiB>>10)
	case m < floorMemoryKiB:
		return fmt.Errorf("%s argon2 memory %d KiB, under the floor %d KiB: too cheap to guess against",
			who, m, floorMemoryKiB)
	case cost < floorCostKiB:
		return fmt.Errorf("%s argon2 time %d with memory %d KiB (%d KiB of passes), under the floor %d MiB of passes: too cheap to guess against",
			who, p.Time, m, cost, floorCostKiB>>10)
	}
	return nil
}

func pinned(p native.Params) string {
	s := ""
	add := func(name string, v uint32, unit string) {
		if v == 0 {
			return
		}
		if s != "" {
			s += " "
		}
		s += fmt.Sprintf("-%s %d%s", name, v, unit)
	}
	add("argon2-time", p.Time, "")
	add("argon2-memory", p.MemoryKiB>>10, "")
	add("argon2-threads", uint32(p.Threads), "")
	return s
}

// argon2Params reads the -argon2 options: the parameters ncenc writes, or those ncdec pins,
// and the window's ceilings. Their bounds are the format's (native.Params.Check), stated in
// each option's own unit.
func (cfg *config) argon2Params(c *cli.Context) error {
	cfg.params = native.DefaultParams()
	cfg.win = defaultWindow()
	var pin native.Params
	opts := []struct {
		name, unit string
		lo, hi     uint64
		set        func(uint64)
	}{
		{"argon2-time", "", 1, native.MaxTime, func(v uint64) { pin.Time = uint32(v) }},
		{"argon2-memory", " MiB", 1, native.MaxMemoryKiB / 1024, func(v uint64) { pin.MemoryKiB = uint32(v) * 1024 }},
		{"argon2-threads", "", 1, native.MaxThreads, func(v uint64) { pin.Threads = uint8(v) }},
		{"argon2-max-memory", " MiB", 1, native.MaxMemoryKiB / 1024, func(v uint64) { cfg.win.maxMemKiB = v << 10 }},
		{"argon2-max-time", "", 1, native.MaxTime, func(v uint64) { cfg.win.maxTime = v }},
	}
	for _, o := range opts {
		if !c.IsSet(o.name) {
			continue
		}
		s := c.String(o.name)
		v, err := strconv.ParseUint(s, 10, 64)
		switch {
		case err != nil && errors.Is(err, strconv.ErrRange):
			return fmt.Errorf("-%s %s: at most %d%s", o.name, s, o.hi, o.unit)
		case err != nil:
			return fmt.Errorf("-%s %s: not a whole number", o.name, s)
		case v < o.lo:
			return fmt.Errorf("-%s %s: at least %d%s", o.name, s, o.lo, o.unit)
		case v > o.hi:
			return fmt.Errorf("-%s %s: at most %d%s", o.name, s, o.hi, o.unit)
		}
		o.set(v)
	}
	if cfg.decrypt {
		cfg.win.pin, cfg.win.receiver = pin, true
		return nil
	}
	p := &cfg.params
	if pin.Time != 0 {
		p.Time = pin.Time
	}
	if pin.MemoryKiB != 0 {
		p.MemoryKiB = pin.MemoryKiB
	}
	if pin.Threads != 0 {
		p.Threads = pin.Threads
	}
	if cost := uint64(p.Time) * uint64(p.MemoryKiB); cost > native.MaxCost {
		return fmt.Errorf("-argon2-time %d with -argon2-memory %d: %d MiB of passes, at most %d MiB (lower one of them)",
			p.Time, p.MemoryKiB/1024, cost/1024, native.MaxCost/1024)
	}
	if err := p.Check(); err != nil {
		return err
	}
	// nckit writes no stream that a receiver with the same window would refuse
	w := cfg.win
	w.pin = native.Params{}
	return w.check(*p, "the -argon2 options ask", "the")
}
