package netcat

import (
	"fmt"
	"sync"
	"time"
)

// Online password guessing against ncl --each is slowed down by one token bucket shared by
// every connection: a command that exits 3 (its message failed authentication) takes a
// token; while the bucket is empty, ncl starts no new command. Its stderr gets at most one
// line per reportEvery, however many attempts fail.
const (
	guessBurst  = 5
	guessRate   = 1 // tokens per second
	reportEvery = 10 * time.Second
)

type guessLimit struct {
	mu         sync.Mutex
	tokens     float64
	last       time.Time // when tokens was last brought up to date
	failed     int       // failures not reported yet
	lastReport time.Time // zero: nothing reported yet
	pending    bool      // a report is scheduled
	report     func(line string)

	// The clock, replaced in tests.
	now   func() time.Time
	after func(time.Duration, func())
}

func newGuessLimit(report func(string)) *guessLimit {
	return &guessLimit{
		tokens: guessBurst,
		last:   time.Now(),
		report: report,
		now:    time.Now,
		after:  func(d time.Duration, f func()) { time.AfterFunc(d, f) },
	}
}

// refill brings tokens up to date; the caller holds mu.
func (g *guessLimit) refill(now time.Time) {
	g.tokens = min(guessBurst, g.tokens+now.Sub(g.last).Seconds()*guessRate)
	g.last = now
}

// delay is how long to wait before starting the next command: 0 while a token is left.
// Concurrent commands may all fail, so the bucket can go below zero; the debt is paid in
// waiting, which keeps the sustained rate at guessRate whatever the number of connections.
func (g *guessLimit) delay() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refill(g.now())
	if g.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - g.tokens) / guessRate * float64(time.Second))
}

// fail records a command whose message failed authentication.
func (g *guessLimit) fail() {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.refill(now)
	g.tokens--
	g.failed++
	switch {
	case g.pending:
	case g.lastReport.IsZero() || now.Sub(g.lastReport) >= reportEvery:
		g.flush(now)
	default:
		g.pending = true
		g.after(g.lastReport.Add(reportEvery).Sub(now), func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			g.pending = false
			g.flush(g.now())
		})
	}
}

// flush reports the failures counted since the last report; the caller holds mu.
func (g *guessLimit) flush(now time.Time) {
	if g.failed == 0 {
		return
	}
	line := fmt.Sprintf("%d messages failed authentication in the last 10s", g.failed)
	if g.failed == 1 {
		line = "1 message failed authentication in the last 10s"
	}
	if g.tokens < 1 {
		line += "; slowing down to 1 per second"
	}
	g.report(line)
	g.failed = 0
	g.lastReport = now
}
