package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// msgContender is the tutorial's one-connection-per-message chat: every message is a fresh
// encrypt | connect on the sender; one receiver serves all of them.
type msgContender struct {
	key   string
	label string
	nckit bool
	// recv builds the receiver. With loop set it is the tutorial's shell loop, which
	// restarts `nc -l` on a fixed port for every message and announces each restart; else
	// its first stage listens on port 0 once and announces the port.
	recv func(port string) [][]string
	loop bool
	send func(port string) [][]string
}

// cheapArgon2 are the smallest Argon2id costs a default receiver accepts (its floor, OWASP's
// minimum): what the per-message rate would be if the KDF were less of the bottleneck.
var cheapArgon2 = []string{"-argon2-time", "2", "-argon2-memory", "19", "-argon2-threads", "1"}

func messageContenders(b bins) []msgContender {
	osslFlags := "-aes-256-cbc -salt -base64 -pbkdf2 -pass " + password
	each := func(dec string) func(string) [][]string {
		return func(string) [][]string {
			return [][]string{{b.ncl, "-v", "-k", "--each", shellQuote(b.ncdec) + " " + dec, "127.0.0.1", "0"}}
		}
	}
	nccSend := func(port string) []string { return []string{b.ncc, "-N", "127.0.0.1", port} }
	return []msgContender{
		{key: "ossl-b64", label: "openssl + nc, -base64 (tutorial loop: `nc -l | openssl enc -d`)", loop: true,
			recv: func(port string) [][]string {
				return [][]string{{"sh", "-c", "while :; do nc -lvn 127.0.0.1 " + port +
					" | openssl enc -d " + osslFlags + "; done"}}
			},
			send: func(port string) [][]string {
				return [][]string{strings.Fields("openssl enc " + osslFlags), {"nc", "-N", "127.0.0.1", port}}
			}},
		{key: "nk-ossl-b64", label: "nckit openssl-format, -a (`ncl -k --each ncdec`)", nckit: true,
			recv: each("-detect -pass " + password),
			send: func(port string) [][]string {
				return [][]string{{b.ncenc, "-aes-256-cbc", "-salt", "-a", "-pbkdf2", "-pass", password}, nccSend(port)}
			}},
		{key: "nk-ossl-1dec", label: "nckit openssl-format, -a, one decoder (`ncl -k | ncdec`)", nckit: true,
			recv: func(string) [][]string {
				return [][]string{{b.ncl, "-v", "-k", "127.0.0.1", "0"}, {b.ncdec, "-detect", "-pass", password}}
			},
			send: func(port string) [][]string {
				return [][]string{{b.ncenc, "-aes-256-cbc", "-salt", "-a", "-pbkdf2", "-pass", password}, nccSend(port)}
			}},
		{key: "native", label: "nckit native -a, default Argon2id (`ncl -k --each ncdec`)", nckit: true,
			recv: each("-pass " + password),
			send: func(port string) [][]string {
				return [][]string{{b.ncenc, "-a", "-pass", password}, nccSend(port)}
			}},
		{key: "native-bin", label: "nckit native binary, default Argon2id (`ncl -k --each ncdec`)", nckit: true,
			recv: each("-pass " + password),
			send: func(port string) [][]string {
				return [][]string{{b.ncenc, "-pass", password}, nccSend(port)}
			}},
		{key: "native-cheap", label: "nckit native -a, Argon2id t=2 m=19 MiB p=1 (`ncl -k --each ncdec`)", nckit: true,
			recv: each("-pass " + password),
			send: func(port string) [][]string {
				return [][]string{with(with([]string{b.ncenc, "-a"}, cheapArgon2...), "-pass", password), nccSend(port)}
			}},
		{key: "native-1dec", label: "nckit native -a, default Argon2id, one decoder (`ncl -k | ncdec`)", nckit: true,
			recv: func(string) [][]string {
				return [][]string{{b.ncl, "-v", "-k", "127.0.0.1", "0"}, {b.ncdec, "-pass", password}}
			},
			send: func(port string) [][]string {
				return [][]string{{b.ncenc, "-a", "-pass", password}, nccSend(port)}
			}},
	}
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// freePort asks the kernel for a free loopback port. Only the tutorial loop needs a fixed
// port (it restarts nc -l for every message); the race with another process grabbing the
// port in between is harmless here: the listener would then fail loudly.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}

type msgResult struct {
	rate      float64         // messages per second over the whole round
	perMsg    []time.Duration // send start to decrypted line out, per message
	err       error
	delivered int
	// decRSSKiB is the peak RSS of a receiver's decoder that read every message of the round
	// (`ncl -k | ncdec`), 0 for the others.
	decRSSKiB int64
}

// runMessages sends n messages through c one after another, each on its own connection,
// and waits for each decrypted line to come out of the receiver before sending the next.
func runMessages(c msgContender, n int, timeout time.Duration) msgResult {
	hold, holdW, err := os.Pipe()
	if err != nil {
		return msgResult{err: err}
	}
	defer holdW.Close()
	defer hold.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		return msgResult{err: err}
	}
	defer outR.Close()

	ready := make(chan struct{}, n+2)
	var recv *pipeline
	port := ""
	if c.loop {
		if port, err = freePort(); err != nil {
			return msgResult{err: err}
		}
		recv, err = startPipeline(c.recv(port), hold, outW, func(line string) {
			if announceRE.MatchString(line) {
				ready <- struct{}{}
			}
		})
	} else {
		recv, port, err = startListener(c.recv(""), hold, outW, nil)
	}
	outW.Close()
	if err != nil {
		return msgResult{err: fmt.Errorf("receiver: %w", err)}
	}
	defer func() {
		recv.kill()
		recv.wait(time.Now().Add(5 * time.Second))
	}()
	lines := readLines(outR, n+1)

	res := msgResult{}
	start := time.Now()
	deadline := start.Add(timeout)
	for i := 0; i < n; i++ {
		if c.loop {
			select {
			case <-ready:
			case <-time.After(time.Until(deadline)):
				res.err = fmt.Errorf("message %d: receiver loop did not listen again", i)
				return res
			}
		}
		msg := fmt.Sprintf("message %d from the nckit benchmark harness\n", i)
		t0 := time.Now()
		err := sendOne(c.send(port), msg, deadline)
		if err != nil {
			res.err = fmt.Errorf("message %d: sender: %w", i, err)
			return res
		}
		select {
		case got, ok := <-lines:
			if !ok {
				res.err = fmt.Errorf("message %d: receiver output closed: %s", i, recv.procs[len(recv.procs)-1].failure())
				return res
			}
			if got != msg {
				res.err = fmt.Errorf("message %d: got %q, want %q", i, got, msg)
				return res
			}
		case <-time.After(min(time.Until(deadline), 15*time.Second)):
			// A decoder holding a complete message back would stall every later one.
			res.err = fmt.Errorf("message %d: not delivered within 15 s", i)
			return res
		}
		res.perMsg = append(res.perMsg, time.Since(t0))
		res.delivered++
	}
	res.rate = float64(n) / time.Since(start).Seconds()
	// One decoder for all messages: stop its listener, let it end, and read its peak memory.
	if !c.loop && len(recv.procs) == 2 && recv.stopFirst(time.Now().Add(5*time.Second)) {
		if dec := recv.procs[1]; dec.err == nil {
			res.decRSSKiB = dec.maxRSSKiB()
		}
	}
	return res
}

func benchMessages(b bins, n, rounds int) map[string][]msgResult {
	res := map[string][]msgResult{}
	var cs []msgContender
	for _, c := range messageContenders(b) {
		if (!c.nckit || b.ok) && selected(c.key) {
			cs = append(cs, c)
		}
	}
	fails := map[string]int{}
	for r := 0; r < rounds; r++ {
		for _, c := range rotate(cs, r) {
			if fails[c.key] >= 2 {
				continue
			}
			mr := runMessages(c, n, 60*time.Second)
			res[c.key] = append(res[c.key], mr)
			if mr.err != nil {
				fails[c.key]++
				logf("messages %-12s round %d: FAILED: %v", c.key, r+1, mr.err)
			} else {
				logf("messages %-12s round %d: %6.2f msg/s", c.key, r+1, mr.rate)
			}
		}
	}
	return res
}

// sendOne runs one sender pipeline with msg on its stdin until it exits.
func sendOne(stages [][]string, msg string, deadline time.Time) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	pl, err := startPipeline(stages, r, devNull, nil)
	r.Close()
	if err != nil {
		w.Close()
		return err
	}
	_, werr := io.WriteString(w, msg)
	w.Close()
	if err := pl.wait(deadline); err != nil {
		return err
	}
	return werr
}
