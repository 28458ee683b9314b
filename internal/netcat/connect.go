package netcat

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nckit/nckit/internal/cmdline"
	"github.com/nckit/nckit/internal/relay"
	"github.com/urfave/cli/v2"
)

const connectUsage = `usage: ncc [-46dNnuvz] [-p port] [-q secs] [-s addr] [-w secs]
           [--retry secs] host port
       ncc -U [options] path

Connect to host port, copy the connection to stdout and stdin to it, like nc.

  -N            shut down the sending side after EOF on stdin
  -d            do not read stdin              -v        status lines on stderr
  -q secs       quit secs after EOF on stdin   -w secs   connect, idle timeout
  -s addr       local address                  -p port   local port
  -4, -6        IPv4 only, IPv6 only           -n        numeric host only
  -u            UDP                            -U        unix socket at path
  -z            only check that something listens
  --retry secs  retry a refused connection for up to secs
  -h, -V        this help, the version

See ncc(1).
`

// ConnectFlags are the options ncc accepts, besides -h and -V.
func ConnectFlags() []cli.Flag {
	return append(commonFlags(),
		&cli.BoolFlag{Name: "z"},
		&cli.StringFlag{Name: "retry"},
	)
}

// Connect runs ncc with args (args[0] is the program name) and returns its exit status.
func Connect(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := append(ConnectFlags(), refusedFlags()...)
	app := cmdline.New("ncc", connectUsage, flags, func(c *cli.Context) error {
		cfg, err := parseConnect(c)
		if err != nil {
			return err
		}
		return connect(cfg, stdin, stdout, stderr, caught.Load())
	})
	return cmdline.Run(app, args, stdout, stderr)
}

// parseConnect validates the whole ncc command line before any I/O.
func parseConnect(c *cli.Context) (*config, error) {
	cfg := &config{zero: c.Bool("z")}
	if err := checkRefused(c); err != nil {
		return nil, err
	}
	if err := parseCommon(c, cfg); err != nil {
		return nil, err
	}
	if cfg.zero && cfg.datagram() {
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
	if c.Bool("U") {
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
		if isHostPort(args[0]) {
			return nil, hinted{cmdline.Usagef("missing port"),
				"give host and port as two operands: ncc HOST PORT"}
		}
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
	local := ""
	if cfg.network == "unixgram" {
		// a unix datagram peer can only answer to a socket with a name, as nc's has
		dir, err := os.MkdirTemp("", "ncc-")
		if err != nil {
			return fmt.Errorf("reply socket: %s", cause(err))
		}
		defer os.RemoveAll(dir)
		local = filepath.Join(dir, "recv.sock")
	}
	conn, err := dial(cfg, local)
	if err != nil {
		if cfg.zero && !cfg.verbose {
			return cli.Exit("", 1) // -z: the status is the answer, as with nc
		}
		return err
	}
	if cfg.verbose && local != "" {
		printf(stderr, "Bound on %s", local)
	}
	if cfg.verbose {
		host, port, _ := net.SplitHostPort(cfg.addr)
		reportConnected(stderr, host, port, conn.RemoteAddr(), cfg)
	}
	if cfg.zero {
		return conn.Close()
	}
	defer lv.add(conn)()
	if cfg.datagram() {
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
func dial(cfg *config, local string) (net.Conn, error) {
	d := net.Dialer{Timeout: cfg.idle, KeepAliveConfig: keepAlive}
	if local != "" {
		d.LocalAddr = &net.UnixAddr{Name: local, Net: cfg.network}
	}
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
		if local != "" {
			os.Remove(local) // left by a refused attempt
		}
		conn, err := d.Dial(cfg.network, cfg.addr)
		if err == nil {
			return conn, nil
		}
		notYet := errors.Is(err, syscall.ECONNREFUSED) ||
			strings.HasPrefix(cfg.network, "unix") && errors.Is(err, syscall.ENOENT)
		left := time.Until(deadline)
		if !notYet || left <= 0 {
			return nil, fmt.Errorf("connect to %s: %s", cfg.addr, cause(err))
		}
		time.Sleep(min(backoff, left))
		backoff = min(2*backoff, 250*time.Millisecond)
	}
}
