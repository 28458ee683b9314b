package netcat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/nckit/nckit/internal/cmdline"
	"github.com/nckit/nckit/internal/relay"
	"github.com/urfave/cli/v2"
)

const listenUsage = `usage: ncl [-46dkNnuv] [-q secs] [-s addr] [-w secs] [addr] port
       ncl -k --each cmd [--max n] [--deadline secs] [-w secs] [addr] port
       ncl -U [--socket-mode mode] [options] path

Like nc -l: accept a connection (more with -k), copy it to stdout and stdin to it.

  -l             accepted for nc: ncl always listens
  -p port        the port to listen on          -s addr   the address to use
  -4, -6         IPv4 only, IPv6 only           -n        numeric addresses only
  -u             UDP                            -U        unix socket at path
  -k             keep listening after a connection ends
  -N             shut down the sending side after EOF on stdin
  -d             do not read stdin              -v        status lines on stderr
  -q secs        quit secs after EOF on stdin   -w secs   idle timeout
  --each cmd     run sh -c cmd per connection: the peer's data on its stdin,
                 its fd 3 back to the peer; concurrent with -k
  --max n        --each commands at once (default 64)
  --deadline s   total time of one --each connection (default none)
  --socket-mode mode  -U socket permissions (default 600)
  -h, -V         this help, the version

See ncl(1).
`

// ListenFlags are the options ncl accepts, besides -h and -V.
func ListenFlags() []cli.Flag {
	return append(commonFlags(),
		&cli.BoolFlag{Name: "l"},
		&cli.BoolFlag{Name: "k"},
		&cli.StringFlag{Name: "each"},
		&cli.StringFlag{Name: "max"},
		&cli.StringFlag{Name: "deadline"},
		&cli.StringFlag{Name: "socket-mode"},
	)
}

// Listen runs ncl with args (args[0] is the program name) and returns its exit status.
func Listen(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := append(ListenFlags(), refusedFlags()...)
	app := cmdline.New("ncl", listenUsage, flags, func(c *cli.Context) error {
		cfg, err := parseListen(c)
		if err != nil {
			return err
		}
		return serve(cfg, stdin, stdout, stderr, caught.Load())
	})
	return cmdline.Run(app, args, stdout, stderr)
}

// parseListen validates the whole ncl command line before any I/O.
func parseListen(c *cli.Context) (*config, error) {
	cfg := &config{keep: c.Bool("k"), each: c.String("each"), max: defaultEachN, mode: 0o600}
	if err := checkRefused(c); err != nil {
		return nil, err
	}
	if err := parseCommon(c, cfg); err != nil {
		return nil, err
	}
	if c.IsSet("each") && cfg.each == "" {
		return nil, cmdline.Usagef("--each needs a command")
	}
	for _, f := range []string{"max", "deadline"} {
		if c.IsSet(f) && cfg.each == "" {
			return nil, cmdline.Usagef("cannot use --%s without --each", f)
		}
	}
	if c.IsSet("max") {
		n, err := strconv.Atoi(c.String("max"))
		if err != nil || n < 1 || n > 1<<16 {
			return nil, cmdline.Usagef("invalid --max value %q: not a number from 1 to 65536", c.String("max"))
		}
		cfg.max = n
	}
	if c.IsSet("deadline") {
		d, err := parseSeconds("--deadline", c.String("deadline"), false)
		if err != nil {
			return nil, err
		}
		cfg.deadline = d
	}
	if c.IsSet("socket-mode") {
		if !c.Bool("U") {
			return nil, cmdline.Usagef("cannot use --socket-mode without -U")
		}
		m, err := strconv.ParseUint(c.String("socket-mode"), 8, 32)
		if err != nil || m > 0o777 || m&0o600 != 0o600 {
			return nil, cmdline.Usagef("invalid --socket-mode value %q: octal, at most 777, at least 600", c.String("socket-mode"))
		}
		cfg.mode = os.FileMode(m)
	}
	if cfg.each != "" {
		// --each never reads ncl's stdin nor sends anything: these would be ignored
		for _, f := range []string{"u", "N", "q", "d"} {
			if c.IsSet(f) {
				return nil, cmdline.Usagef("cannot use --each with -%s", f)
			}
		}
	}
	if cfg.keep && c.IsSet("q") {
		// -q ends a connection while its peer may still be sending; with -k that would
		// cut every connection after the first stdin EOF without a word
		return nil, cmdline.Usagef("cannot use -q with -k")
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
	host, port := c.String("s"), c.String("p")
	switch {
	case port != "" && len(args) > 0:
		return nil, cmdline.Usagef("extra operand %q (the port is given with -p)", args[0])
	case port != "":
	case len(args) == 0:
		return nil, cmdline.Usagef("missing port")
	case len(args) == 1 && isHostPort(args[0]):
		return nil, hinted{cmdline.Usagef("invalid port %q: not a number", args[0]),
			"give address and port as two operands: ncl [ADDR] PORT"}
	case len(args) == 1:
		port = args[0]
	case len(args) == 2 && strings.Trim(args[0]+args[1], "0123456789") == "":
		return nil, hinted{cmdline.Usagef("two ports given: %q and %q", args[0], args[1]),
			"ncl listens on one port: ncl [ADDR] PORT; start one ncl per port"}
	case len(args) == 2:
		if host != "" {
			return nil, cmdline.Usagef("cannot use -s with an address operand")
		}
		host, port = args[0], args[1]
	default:
		return nil, extraOperand(args[2:])
	}
	if c.Bool("n") && host != "" && net.ParseIP(host) == nil {
		return nil, cmdline.Usagef("-n: address %q is not numeric", host)
	}
	p, err := parsePort(port, 0)
	if err != nil {
		return nil, err
	}
	cfg.addr = net.JoinHostPort(host, p)
	return cfg, nil
}

// serve listens and handles one connection, or one after another with -k.
func serve(cfg *config, stdin io.Reader, stdout, stderr io.Writer, lv *live) error {
	if cfg.datagram() {
		return serveDatagrams(cfg, stdin, stdout, stderr, lv)
	}
	ln, err := openListener(cfg)
	if err != nil {
		return err
	}
	defer ln.Close() // also removes our unix socket file
	if cfg.network == "unix" {
		lv.socketFile(cfg.addr)
	}
	if cfg.verbose {
		reportListening(stderr, ln.Addr(), cfg)
	}
	if cfg.each != "" {
		return serveEach(cfg, ln, stdout, stderr, lv)
	}

	// One stdin reader for the whole run: with -k the connections share it, as in nc.
	var in *relay.Input
	if !cfg.noStdin {
		in = relay.NewInput(stdin)
	}
	opts := relay.Options{
		Listen:    true,
		HalfClose: cfg.halfClose,
		Deliver:   isPayload(stdin, cfg.halfClose),
		Quit:      cfg.quit,
		Idle:      cfg.idle,
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			return fmt.Errorf("accept on %s: %s", ln.Addr(), cause(err))
		}
		if !cfg.keep {
			// One connection only: stop listening, as nc does, so a second client is
			// refused at once (and ncc --retry retries) rather than left in the backlog
			// to be reset when we exit. For -U this also removes the socket file.
			ln.Close()
			lv.socketFile("")
		}
		untrack := lv.add(conn)
		peer := peerName(conn, cfg)
		if cfg.verbose {
			reportConn(stderr, conn, cfg)
		}
		err = relay.Relay(conn, in, stdout, opts)
		switch {
		case errors.Is(err, relay.ErrUndelivered):
			reset(conn)
		case errors.Is(err, relay.ErrIdle):
			err = nil // -w: nc ends quietly, nothing was lost
			conn.Close()
		default:
			conn.Close()
		}
		err = describe(err, peer)
		untrack()
		if !cfg.keep || errors.Is(err, relay.ErrUndelivered) {
			// one connection only; or stdout is gone, so nothing more can be delivered
			return err
		}
		if err != nil {
			// -k: report the connection that failed and serve the next one
			cmdline.Report("ncl", err, stderr)
		}
	}
}

// openListener binds the TCP or unix listening socket. No SO_REUSEPORT: a second
// listener on a taken port fails instead of silently sharing the connections.
func openListener(cfg *config) (net.Listener, error) {
	if cfg.network == "unix" {
		if err := checkSocketPath(cfg.addr); err != nil {
			return nil, err
		}
	}
	if cfg.network == "unix" {
		return listenUnix(cfg)
	}
	lc := net.ListenConfig{KeepAliveConfig: keepAlive}
	ln, err := lc.Listen(context.Background(), cfg.network, cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %s", cfg.addr, cause(err))
	}
	return ln, nil
}

// reportConn prints -v's line for an accepted connection.
func reportConn(stderr io.Writer, conn net.Conn, cfg *config) {
	sockLine(stderr, "Connection received", conn.RemoteAddr(), cfg)
}

// peerName is the peer's address for messages: addr:port, or the socket path for unix.
func peerName(conn net.Conn, cfg *config) string {
	if strings.HasPrefix(cfg.network, "unix") {
		return cfg.addr
	}
	return conn.RemoteAddr().String()
}
