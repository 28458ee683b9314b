package netcat

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/nckit/nckit/internal/cmdline"
	"github.com/nckit/nckit/internal/relay"
	"github.com/urfave/cli/v2"
)

const connectUsage = `usage: ncc [-46dNnuvz] [-p port] [-q secs] [-s addr] [-w secs] [--retry secs] host port
       ncc -U [options] path

Connect to host port and copy the connection to stdout while copying stdin to it, like
nc host port. ncc ends when both stdin and the peer's data have ended.

  -N            shut down the sending side after EOF on stdin, so the peer sees the end
  -d            do not read stdin
  -q secs       quit secs seconds after EOF on stdin (implies -N)
  -w secs       connect timeout, and end after secs seconds with no data either way
  -s addr       local address to connect from
  -p port       local port to connect from
  -4, -6        IPv4 only, IPv6 only
  -u            UDP
  -U            the operand is the path of a unix-domain socket
  -n            numeric host only, no name lookup
  -z            only check whether something listens (exit 0 if so, 1 if not)
  --retry secs  while the connection is refused, retry until secs seconds have passed
  -v            report "connected to addr:port" on stderr
  -h            show this help

Exit status: 0 ok, 1 failure (refused, reset, data not delivered), 2 usage,
128+N interrupted by signal N (the connection is reset).
`

// ConnectMain is ncc's main: Connect plus the process-wide signal set-up a binary needs.
func ConnectMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ignoreSIGPIPE()
	return connectMain(args, stdin, stdout, stderr, catchSignals("ncc", stderr))
}

// Connect runs ncc with args (args[0] is the program name) and returns its exit status.
func Connect(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return connectMain(args, stdin, stdout, stderr, nil)
}

func connectMain(args []string, stdin io.Reader, stdout, stderr io.Writer, lv *live) int {
	flags := append(commonFlags(),
		&cli.BoolFlag{Name: "z"},
		&cli.StringFlag{Name: "retry"},
	)
	app := &cli.App{
		Name:                  "ncc",
		Flags:                 flags,
		CustomAppHelpTemplate: connectUsage,
		Action: func(c *cli.Context) error {
			cfg, err := parseConnect(c)
			if err != nil {
				return err
			}
			return connect(cfg, stdin, stdout, stderr, lv)
		},
	}
	return cmdline.Run(app, args, stdout, stderr)
}

// parseConnect validates the whole ncc command line before any I/O.
func parseConnect(c *cli.Context) (*config, error) {
	cfg := &config{zero: c.Bool("z")}
	if err := parseCommon(c, cfg); err != nil {
		return nil, err
	}
	if cfg.zero && c.Bool("u") {
		return nil, cmdline.Usagef("cannot use -z with -u")
	}
	if c.IsSet("retry") {
		r, err := parseSeconds("--retry", c.String("retry"), false)
		if err != nil {
			return nil, err
		}
		cfg.retry = r
	}
	args := c.Args().Slice()
	if cfg.network == "unix" {
		switch len(args) {
		case 0:
			return nil, cmdline.Usagef("missing socket path")
		case 1:
			cfg.addr = args[0]
			return cfg, nil
		default:
			return nil, extraOperand(args[1:])
		}
	}
	switch len(args) {
	case 0:
		return nil, cmdline.Usagef("missing host and port")
	case 1:
		return nil, cmdline.Usagef("missing port")
	case 2:
	default:
		return nil, extraOperand(args[2:])
	}
	host, port := args[0], args[1]
	if c.Bool("n") && net.ParseIP(host) == nil {
		return nil, cmdline.Usagef("-n: host %q is not numeric", host)
	}
	p, err := parsePort(port, 1)
	if err != nil {
		return nil, err
	}
	cfg.addr = net.JoinHostPort(host, p)
	if src, sport := c.String("s"), c.String("p"); src != "" || sport != "" {
		if sport == "" {
			sport = "0"
		}
		sp, err := parsePort(sport, 0)
		if err != nil {
			return nil, err
		}
		cfg.srcAddr = net.JoinHostPort(src, sp)
	}
	return cfg, nil
}

// connect dials and relays until both stdin and the peer's data have ended.
func connect(cfg *config, stdin io.Reader, stdout, stderr io.Writer, lv *live) error {
	conn, err := dial(cfg)
	if err != nil {
		if cfg.zero && !cfg.verbose {
			return cli.Exit("", 1) // -z: the status is the answer, as with nc
		}
		return err
	}
	if cfg.verbose {
		printf(stderr, "connected to %s", cfg.addr)
	}
	if cfg.zero {
		return conn.Close()
	}
	defer lv.add(conn)()
	if cfg.network[:3] == "udp" {
		conn = datagrams{conn}
	}
	var in *relay.Input
	if !cfg.noStdin {
		in = relay.NewInput(stdin)
	}
	err = relay.Relay(conn, in, stdout, relay.Options{
		HalfClose: cfg.halfClose,
		Quit:      cfg.quit,
		Idle:      cfg.idle,
	})
	switch {
	case errors.Is(err, relay.ErrUndelivered):
		reset(conn)
	case errors.Is(err, relay.ErrIdle):
		err = nil // -w: nc ends quietly, nothing was lost
		conn.Close()
	default:
		conn.Close()
	}
	return describe(err, cfg.addr)
}

// dial connects, retrying a refused connection until --retry's deadline (the listener is
// not up yet), with a short backoff.
func dial(cfg *config) (net.Conn, error) {
	d := net.Dialer{Timeout: cfg.idle, KeepAliveConfig: keepAlive}
	if cfg.srcAddr != "" {
		var err error
		switch cfg.network[:3] {
		case "tcp":
			d.LocalAddr, err = net.ResolveTCPAddr(cfg.network, cfg.srcAddr)
		case "udp":
			d.LocalAddr, err = net.ResolveUDPAddr(cfg.network, cfg.srcAddr)
		}
		if err != nil {
			return nil, fmt.Errorf("source address %s: %s", cfg.srcAddr, cause(err))
		}
	}
	deadline := time.Now().Add(cfg.retry)
	backoff := 10 * time.Millisecond
	for {
		conn, err := d.Dial(cfg.network, cfg.addr)
		if err == nil {
			return conn, nil
		}
		notYet := errors.Is(err, syscall.ECONNREFUSED) ||
			cfg.network == "unix" && errors.Is(err, syscall.ENOENT)
		left := time.Until(deadline)
		if !notYet || left <= 0 {
			return nil, fmt.Errorf("connect to %s: %s", cfg.addr, cause(err))
		}
		time.Sleep(min(backoff, left))
		backoff = min(2*backoff, 250*time.Millisecond)
	}
}
