// Package netcat implements ncl and ncc, nckit's OpenBSD-nc-compatible listener and
// connector: command-line parsing and validation, listening, dialing and the per-connection
// command of ncl --each. The copying itself and its end-of-stream rules live in
// internal/relay.
//
// Listen and Connect are the whole programs: they take the arguments and standard streams
// and return the exit status (0 ok, 1 failure, 2 usage), so tests run them in-process.
// A binary calls CatchSignals first. ListenFlags and ConnectFlags are the options each
// accepts, for the man-page drift test and shell completion.
package netcat

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nckit/nckit/internal/cmdline"
	"github.com/nckit/nckit/internal/relay"
	"github.com/urfave/cli/v2"
)

// keepAlive is set on every TCP connection. Go enables keepalive by default; nc does not.
// We keep it on, with these values stated rather than inherited: a peer whose host vanished
// without a FIN or reset is then reported after about 2.5 minutes ("connection timed out",
// exit 1) instead of leaving ncl/ncc waiting forever. A live peer's kernel answers the
// probes, so healthy idle connections (a quiet chat) are never affected.
var keepAlive = net.KeepAliveConfig{Enable: true, Idle: 15 * time.Second, Interval: 15 * time.Second, Count: 9}

// config is one parsed and validated command line.
type config struct {
	network   string        // tcp, tcp4, tcp6, udp, udp4, udp6, unix or unixgram
	addr      string        // host:port, or the unix socket path
	srcAddr   string        // ncc -s/-p: local address to bind, "" for any
	keep      bool          // ncl -k
	each      string        // ncl --each CMD
	max       int           // ncl --max: --each commands at once
	deadline  time.Duration // ncl --deadline: total time of one --each connection; 0: none
	mode      os.FileMode   // ncl -U: the socket file's permissions (--socket-mode)
	halfClose bool          // -N (or implied by -q)
	noStdin   bool          // -d
	quit      time.Duration // -q; < 0: never
	idle      time.Duration // -w; 0: never
	retry     time.Duration // ncc --retry; 0: no retry
	zero      bool          // ncc -z
	verbose   bool          // -v
	numeric   bool          // -n
}

// datagram reports whether the socket is UDP or a unix datagram socket (-u).
func (cfg *config) datagram() bool {
	return strings.HasPrefix(cfg.network, "udp") || cfg.network == "unixgram"
}

// flags shared by ncl and ncc; the caller adds its own.
func commonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "4"},
		&cli.BoolFlag{Name: "6"},
		&cli.BoolFlag{Name: "d"},
		&cli.BoolFlag{Name: "N"},
		&cli.BoolFlag{Name: "n"},
		&cli.BoolFlag{Name: "u"},
		&cli.BoolFlag{Name: "U"},
		&cli.BoolFlag{Name: "v"},
		&cli.StringFlag{Name: "p"},
		&cli.StringFlag{Name: "q"},
		&cli.StringFlag{Name: "s"},
		&cli.StringFlag{Name: "w"},
	}
}

// parseCommon validates what ncl and ncc share.
func parseCommon(c *cli.Context, cfg *config) error {
	for _, bad := range [][2]string{{"4", "6"}, {"U", "4"}, {"U", "6"}, {"U", "s"}, {"U", "p"}} {
		if c.IsSet(bad[0]) && c.IsSet(bad[1]) {
			return cmdline.Usagef("cannot use -%s with -%s", bad[0], bad[1])
		}
	}
	cfg.network = "tcp"
	switch {
	case c.Bool("U") && c.Bool("u"):
		cfg.network = "unixgram"
	case c.Bool("U"):
		cfg.network = "unix"
	case c.Bool("u"):
		cfg.network = "udp"
	}
	if !c.Bool("U") {
		if c.Bool("4") {
			cfg.network += "4"
		} else if c.Bool("6") {
			cfg.network += "6"
		}
	}
	cfg.halfClose = c.Bool("N")
	cfg.noStdin = c.Bool("d")
	cfg.verbose = c.Bool("v")
	cfg.numeric = c.Bool("n")
	cfg.quit = -1
	if c.IsSet("q") {
		q, err := parseSeconds("-q", c.String("q"), true)
		if err != nil {
			return err
		}
		cfg.quit = q
		if q >= 0 {
			cfg.halfClose = true // as in Debian's nc, -q implies -N
		}
	}
	if c.IsSet("w") {
		w, err := parseSeconds("-w", c.String("w"), false)
		if err != nil {
			return err
		}
		cfg.idle = w
	}
	if s := c.String("s"); s != "" && c.Bool("n") && net.ParseIP(s) == nil {
		return cmdline.Usagef("-n: address %q is not numeric", s)
	}
	return nil
}

// parsePort checks a port operand or -p value: decimal digits only, never wrapped.
func parsePort(s string, min int) (string, error) {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", cmdline.Usagef("invalid port %q: not a number", s)
	}
	n, err := strconv.Atoi(digits)
	if err != nil || digits != s || n < min || n > 65535 {
		return "", cmdline.Usagef("invalid port %q: out of range %d-65535", s, min)
	}
	return strconv.Itoa(n), nil
}

// parseSeconds parses -q, -w and --retry values: seconds, fractions allowed. A negative
// -q means "never", as in nc; other values must be positive.
func parseSeconds(flag, s string, negativeOK bool) (time.Duration, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f || f > 1e6 {
		return 0, cmdline.Usagef("invalid %s value %q: not a number of seconds", flag, s)
	}
	switch {
	case f < 0 && negativeOK:
		return -1, nil
	case f < 0 || f == 0 && !negativeOK:
		return 0, cmdline.Usagef("invalid %s value %q: must be positive", flag, s)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// hinted is an error followed by a "prog: hint: ..." line.
type hinted struct {
	error
	hint string
}

func (h hinted) Hint() string  { return h.hint }
func (h hinted) Unwrap() error { return h.error }

// refusedFlags are nc flags nckit does not take, accepted by the parser only so that the
// refusal can point to what to use instead. They are not in ListenFlags or ConnectFlags.
func refusedFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "e", Hidden: true},
		&cli.StringFlag{Name: "c", Hidden: true},
	}
}

// checkRefused fails on a refused flag, with its hint.
func checkRefused(c *cli.Context) error {
	for _, f := range []string{"e", "c"} {
		if c.IsSet(f) {
			return hinted{cmdline.Usagef("unknown flag -%s", f),
				"nckit does not execute programs for the peer; use --each CMD"}
		}
	}
	return nil
}

// isHostPort reports whether s is one operand written host:port.
func isHostPort(s string) bool {
	_, port, err := net.SplitHostPort(s)
	return err == nil && port != "" && strings.Trim(port, "0123456789") == ""
}

// extraOperand is the usage error for operands beyond the expected ones.
func extraOperand(args []string) error {
	return cmdline.Usagef("extra operand %q", args[0])
}

// described is an error with its final wording that still matches its sentinel.
type described struct {
	msg string
	err error
}

func (d *described) Error() string { return d.msg }
func (d *described) Unwrap() error { return d.err }

// describe turns a relay error into the text after "prog: ", keeping errors.Is working.
func describe(err error, peer string) error {
	msg := ""
	switch {
	case err == nil:
		return nil
	case errors.Is(err, relay.ErrUndelivered):
		msg = fmt.Sprintf("write stdout: %s: connection to %s reset so the sender knows", cause(err), peer)
	case errors.Is(err, relay.ErrRecv):
		msg = fmt.Sprintf("receive from %s: %s", peer, cause(err))
	case errors.Is(err, relay.ErrSend):
		msg = fmt.Sprintf("send to %s: %s", peer, cause(err))
	case errors.Is(err, relay.ErrStdin):
		msg = fmt.Sprintf("read stdin: %s", cause(err))
	default:
		return err
	}
	return &described{msg: msg, err: err}
}

// cause is the root of a network or file error in a few words ("connection refused").
func cause(err error) string {
	if errors.Is(err, relay.ErrNotTaken) {
		return relay.ErrNotTaken.Error()
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		if dns.IsNotFound {
			return "unknown host"
		}
		return dns.Err
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return "timed out"
	}
	var addrErr *net.AddrError
	if errors.As(err, &addrErr) {
		return addrErr.Err
	}
	return err.Error()
}

// reset closes conn so that the peer gets a reset rather than a FIN: its next read or
// write fails, so a sender cannot take a transfer we could not deliver for a success.
func reset(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// printf writes a -v status line; stderr write errors are not worth failing for.
func printf(w io.Writer, format string, a ...any) {
	_, _ = fmt.Fprintf(w, format+"\n", a...)
}

// isPayload reports whether stdin is a finite payload to deliver whole when the peer
// half-closes early: a regular file always, and with -N anything but a terminal or other
// character device (an interactive listener must still end when its peer leaves).
func isPayload(stdin io.Reader, halfClose bool) bool {
	f, ok := stdin.(*os.File)
	if !ok {
		return halfClose
	}
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return fi.Mode().IsRegular() || halfClose && fi.Mode()&os.ModeCharDevice == 0
}
