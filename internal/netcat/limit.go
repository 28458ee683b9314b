package netcat

import (
	"fmt"
	"sync"
	"time"
)

// Online password guessing against ncl --each is slowed down by one token bucket shared by
// every connection. A command started while the bucket holds a token starts at once; if it
// exits 3 (its message failed authentication) it takes a token, but the bucket never goes
// below -guessBurst, so one burst of --max concurrent failures makes the next start wait at
// most guessBurst+1 seconds. While the bucket holds less than one token, ncl waits for one
// before the next start and reserves it: concurrent connections cannot overdraw it, the
// sustained rate stays guessRate, and a command that exits other than 3 gives its token
// back. Stderr gets at most one line per reportEvery, however many attempts fail.
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
func (g *guessLimit) delay() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refill(g.now())
	if g.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - g.tokens) / guessRate * float64(time.Second))
}

// wait sleeps until a command may start and tells whether that start holds a reserved
// token: it does when the bucket was below one token, the start had to wait for it.
func (g *guessLimit) wait(sleep func(time.Duration)) (reserved bool) {
	for d := g.delay(); d > 0; d = g.delay() {
		sleep(d)
		reserved = true
	}
	if reserved {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.refill(g.now())
		g.tokens = max(g.tokens-1, -guessBurst)
	}
	return reserved
}

// done records the exit status of a command started with wait. Only status 3 counts as a
// guess: it takes a token unless the start reserved one, which any other status returns.
func (g *guessLimit) done(code int, reserved bool) {
	if code != exitAuth {
		if reserved {
			g.mu.Lock()
			defer g.mu.Unlock()
			g.refill(g.now())
			g.tokens = min(guessBurst, g.tokens+1)
		}
		return
	}
	g.fail(!reserved)
}

// fail records a command whose message failed authentication; take: it takes a token.
func (g *guessLimit) fail(take bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.refill(now)
	if take {
		g.tokens = max(g.tokens-1, -guessBurst)
	}
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
