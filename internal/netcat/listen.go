package netcat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/nckit/nckit/internal/cmdline"
	"github.com/nckit/nckit/internal/relay"
	"github.com/urfave/cli/v2"
)

const listenUsage = `usage: ncl [-46dkNnuv] [-q secs] [-s addr] [-w secs] [addr] port
       ncl [options] -p port
       ncl -U [options] path
       ncl -k [--each cmd] [--max n] [--deadline secs] [options] [addr] port

Listen for one connection (or more with -k) and copy it to stdout while copying
stdin to it, like nc -l.

  -l            accepted for nc: ncl always listens
  -p port       the port to listen on          -s addr   the address to listen on
  -4, -6        IPv4 only, IPv6 only           -n        numeric addresses only
  -u            UDP                            -U        unix-domain socket at path
  -k            keep listening after a connection ends (one at a time)
  -N            shut down the sending side after EOF on stdin
  -d            do not read stdin              -v        status lines on stderr
  -q secs       quit secs after EOF on stdin   -w secs   idle timeout
  --each cmd    run sh -c cmd per connection, the peer's data on its stdin
  -h, -V        this help, the version

See ncl(1).
`

// ListenFlags are the options ncl accepts, besides -h and -V.
func ListenFlags() []cli.Flag {
	return append(commonFlags(),
		&cli.BoolFlag{Name: "l"},
		&cli.BoolFlag{Name: "k"},
		&cli.StringFlag{Name: "each"},
	)
}

// Listen runs ncl with args (args[0] is the program name) and returns its exit status.
func Listen(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := cmdline.New("ncl", listenUsage, ListenFlags(), func(c *cli.Context) error {
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
	cfg := &config{keep: c.Bool("k"), each: c.String("each")}
	if err := parseCommon(c, cfg); err != nil {
		return nil, err
	}
	if c.IsSet("each") && cfg.each == "" {
		return nil, cmdline.Usagef("--each needs a command")
	}
	if cfg.each != "" {
		// --each never reads ncl's stdin nor sends anything: these would be ignored
		for _, f := range []string{"u", "N", "q", "d"} {
			if c.IsSet(f) {
				return nil, cmdline.Usagef("cannot use --each with -%s", f)
			}
		}
	}
	if cfg.keep && c.Bool("u") {
		return nil, cmdline.Usagef("cannot use -k with -u")
	}
	if cfg.keep && c.IsSet("q") {
		// -q ends a connection while its peer may still be sending; with -k that would
		// cut every connection after the first stdin EOF without a word
		return nil, cmdline.Usagef("cannot use -q with -k")
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
	host, port := c.String("s"), c.String("p")
	switch {
	case port != "" && len(args) > 0:
		return nil, cmdline.Usagef("extra operand %q (the port is given with -p)", args[0])
	case port != "":
	case len(args) == 0:
		return nil, cmdline.Usagef("missing port")
	case len(args) == 1:
		port = args[0]
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
	if cfg.network[:3] == "udp" {
		return serveUDP(cfg, stdin, stdout, stderr)
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
		printf(stderr, "listening on %s", ln.Addr())
	}

	// One stdin reader for the whole run: with -k the connections share it, as in nc.
	var in *relay.Input
	if !cfg.noStdin && cfg.each == "" {
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
			printf(stderr, "connection from %s", peer)
		}
		if cfg.each != "" {
			err = runEach(cfg, conn, peer, stdout, stderr, lv)
		} else {
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
		}
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
	lc := net.ListenConfig{KeepAliveConfig: keepAlive}
	ln, err := lc.Listen(context.Background(), cfg.network, cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %s", cfg.addr, cause(err))
	}
	return ln, nil
}

// peerName is the peer's address for messages: addr:port, or the socket path for unix.
func peerName(conn net.Conn, cfg *config) string {
	if cfg.network == "unix" {
		return cfg.addr
	}
	return conn.RemoteAddr().String()
}
