package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// latContender is a long-lived chat connection: `enc | connect` on one side, `listen | dec`
// on the other, both kept open while lines go through one at a time.
type latContender struct {
	key   string
	label string
	nckit bool
	recv  [][]string
	send  func(port string) [][]string
}

func latencyContenders(b bins) []latContender {
	ncdec := []string{b.ncdec, "-pass", password}
	ncl := []string{b.ncl, "-v", "127.0.0.1", "0"}
	ncc := func(p string) []string { return []string{b.ncc, "-N", "127.0.0.1", p} }
	return []latContender{
		{key: "nc", label: "nc (plaintext floor)",
			recv: [][]string{{"nc", "-lvn", "127.0.0.1", "0"}},
			send: func(p string) [][]string { return [][]string{{"nc", "-N", "127.0.0.1", p}} }},
		{key: "native", label: "nckit native", nckit: true,
			recv: [][]string{ncl, ncdec},
			send: func(p string) [][]string { return [][]string{{b.ncenc, "-pass", password}, ncc(p)} }},
		{key: "native-a", label: "nckit native, -a", nckit: true,
			recv: [][]string{ncl, ncdec},
			send: func(p string) [][]string { return [][]string{{b.ncenc, "-a", "-pass", password}, ncc(p)} }},
		{key: "nk-ossl-a", label: "nckit openssl-format, -a", nckit: true,
			recv: [][]string{ncl, {b.ncdec, "-detect", "-pass", password}},
			send: func(p string) [][]string {
				return [][]string{{b.ncenc, "-aes-256-cbc", "-salt", "-a", "-pbkdf2", "-pass", password}, ncc(p)}
			}},
		{key: "ossl-b64", label: "openssl + nc, -base64",
			recv: [][]string{{"nc", "-lvn", "127.0.0.1", "0"},
				{"openssl", "enc", "-d", "-aes-256-cbc", "-salt", "-base64", "-pbkdf2", "-pass", password}},
			send: func(p string) [][]string {
				return [][]string{{"openssl", "enc", "-aes-256-cbc", "-salt", "-base64", "-pbkdf2", "-pass", password},
					{"nc", "-N", "127.0.0.1", p}}
			}},
	}
}

type latResult struct {
	first    time.Duration   // first line: includes process start, connect and both KDFs
	lines    []time.Duration // every later line
	buffered bool            // the first line only came out at EOF: not interactive
	err      error
}

// runLatency writes n lines one at a time into the sender and times each until it leaves
// the receiver. A contender that holds a line back (a block cipher waiting for more input)
// gets firstWait to deliver it, then its input is closed to check the line arrives at EOF.
func runLatency(c latContender, n int, firstWait, timeout time.Duration) latResult {
	hold, holdW, err := os.Pipe()
	if err != nil {
		return latResult{err: err}
	}
	defer holdW.Close()
	defer hold.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		return latResult{err: err}
	}
	defer outR.Close()
	recv, port, err := startListener(c.recv, hold, outW, nil)
	outW.Close()
	if err != nil {
		return latResult{err: fmt.Errorf("receiver: %w", err)}
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		recv.kill()
		recv.wait(time.Now())
		return latResult{err: err}
	}
	defer inW.Close()
	deadline := time.Now().Add(timeout)
	send, err := startPipeline(c.send(port), inR, devNull, nil)
	inR.Close()
	if err != nil {
		recv.kill()
		recv.wait(deadline)
		return latResult{err: err}
	}
	defer func() {
		send.kill()
		recv.kill()
		send.wait(time.Now().Add(5 * time.Second))
		recv.wait(time.Now().Add(5 * time.Second))
	}()

	lines := readLines(outR, 4)

	res := latResult{}
	for i := 0; i < n; i++ {
		msg := fmt.Sprintf("line %04d: the quick brown fox jumps over the lazy dog\n", i)
		t0 := time.Now()
		if _, err := io.WriteString(inW, msg); err != nil {
			res.err = fmt.Errorf("line %d: write: %w", i, err)
			return res
		}
		wait := 5 * time.Second
		if i == 0 {
			wait = firstWait
		}
		var got string
		var ok bool
		select {
		case got, ok = <-lines:
		case <-time.After(wait):
			if i > 0 {
				res.err = fmt.Errorf("line %d not delivered within %v", i, wait)
				return res
			}
			// Not interactive: does the line arrive once the input ends?
			inW.Close()
			select {
			case got, ok = <-lines:
				res.buffered = ok && got == msg
				if !res.buffered {
					res.err = errors.New("first line lost")
				}
			case <-time.After(10 * time.Second):
				res.err = errors.New("first line never delivered, not even at EOF")
			}
			return res
		}
		d := time.Since(t0)
		if !ok {
			res.err = fmt.Errorf("line %d: receiver output closed: %s", i, recv.procs[len(recv.procs)-1].failure())
			return res
		}
		if got != msg {
			res.err = fmt.Errorf("line %d: got %q, want %q", i, got, msg)
			return res
		}
		if i == 0 {
			res.first = d
		} else {
			res.lines = append(res.lines, d)
		}
	}
	inW.Close()
	if err := send.wait(deadline); err != nil {
		res.err = fmt.Errorf("sender: %w", err)
	} else if err := recv.wait(deadline); err != nil {
		res.err = fmt.Errorf("receiver: %w", err)
	}
	return res
}

func benchLatency(b bins, n int) map[string]latResult {
	res := map[string]latResult{}
	for _, c := range latencyContenders(b) {
		if (c.nckit && !b.ok) || !selected(c.key) {
			continue
		}
		lr := runLatency(c, n, 3*time.Second, 120*time.Second)
		res[c.key] = lr
		switch {
		case lr.err != nil:
			logf("latency %-10s: FAILED: %v", c.key, lr.err)
		case lr.buffered:
			logf("latency %-10s: line held back until EOF (not interactive)", c.key)
		default:
			logf("latency %-10s: first %v, median %v", c.key, lr.first.Round(time.Microsecond),
				median(lr.lines).Round(time.Microsecond))
		}
	}
	return res
}

// readLines sends each line read from r (its last, unterminated one too) on the returned
// channel, buffered for size lines, and closes it at EOF or on an error.
func readLines(r io.Reader, size int) <-chan string {
	lines := make(chan string, size)
	go func() {
		br := bufio.NewReader(r)
		for {
			l, err := br.ReadString('\n')
			if l != "" {
				lines <- l
			}
			if err != nil {
				close(lines)
				return
			}
		}
	}()
	return lines
}
