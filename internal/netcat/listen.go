package netcat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/nckit/nckit/internal/cmdline"
	"github.com/nckit/nckit/internal/relay"
	"github.com/urfave/cli/v2"
)

const listenUsage = `usage: ncl [-46dkNnuv] [-q secs] [-s addr] [-w secs] [--each cmd] [addr] port
       ncl [options] -p port
       ncl -U [options] path

Listen for a connection and copy it to stdout while copying stdin to it, like nc -l.
The listener ends when the peer's data ends (its own stdin does not keep it alive).

  -l          accepted for nc compatibility: ncl always listens
  -p port     the port to listen on, instead of the port operand
  -s addr     listen on addr only, same as the addr operand (default: every address)
  -4, -6      IPv4 only, IPv6 only
  -u          UDP: serve the first peer that sends a datagram
  -U          the operand is the path of a unix-domain socket
  -k          keep listening after a connection ends; serve connections one at a
              time, in arrival order (later ones wait, they are never refused)
  --each cmd  run /bin/sh -c cmd for each connection, with the peer's data as its
              stdin and NCL_PEER=addr:port; close the connection once cmd exited
              (not with -N, -q, -d; -w ends a peer that sends nothing)
  -N          shut down the sending side after EOF on stdin
  -d          do not read stdin
  -q secs     quit secs seconds after EOF on stdin (implies -N; not with -k)
  -w secs     end a connection after secs seconds with no data either way
  -n          numeric addresses only
  -v          report "listening on addr:port" and "connection from addr:port"
  -h          show this help

Port 0 picks a free port; -v announces it. Exit status: 0 ok, 1 failure, 2 usage,
128+N interrupted by signal N (the connection is reset).
`

// ListenMain is ncl's main: Listen plus the process-wide signal set-up a binary needs.
func ListenMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ignoreSIGPIPE()
	return listen(args, stdin, stdout, stderr, catchSignals("ncl", stderr))
}

// Listen runs ncl with args (args[0] is the program name) and returns its exit status.
func Listen(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return listen(args, stdin, stdout, stderr, nil)
}

func listen(args []string, stdin io.Reader, stdout, stderr io.Writer, lv *live) int {
	flags := append(commonFlags(),
		&cli.BoolFlag{Name: "l"},
		&cli.BoolFlag{Name: "k"},
		&cli.StringFlag{Name: "each"},
	)
	app := &cli.App{
		Name:                  "ncl",
		Flags:                 flags,
		CustomAppHelpTemplate: listenUsage,
		Action: func(c *cli.Context) error {
			cfg, err := parseListen(c)
			if err != nil {
				return err
			}
			return serve(cfg, stdin, stdout, stderr, lv)
		},
	}
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

// checkSocketPath refuses to replace a live unix socket or any other file. A socket file
// that nobody listens on any more (its listener died) is removed, so ncl can listen.
func checkSocketPath(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil // nothing there (or the listen itself reports why it cannot be)
	}
	if fi.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("listen on %s: file exists and is not a socket", path)
	}
	if err := checkNotListening(path, fi); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("listen on %s: remove stale socket: %s", path, cause(err))
	}
	return nil
}

// checkNotListening fails if a process may listen on the socket file fi (at path). It
// looks in /proc/net/unix rather than connecting: a test connection would be taken by a
// listener like ncl as its one connection. Entries are matched by file identity, not by
// spelling, so dir/../dir/s or a symlinked directory is recognised. An entry bound under a
// relative name cannot be placed; one with the same base name may be this socket, so it
// is refused rather than replaced.
func checkNotListening(path string, fi os.FileInfo) error {
	table, err := os.ReadFile("/proc/net/unix")
	if err != nil {
		return fmt.Errorf("listen on %s: socket file exists; cannot tell whether it is live: %s", path, cause(err))
	}
	for _, line := range strings.Split(string(table), "\n")[1:] {
		// Num RefCount Protocol Flags Type St Inode Path; Flags 00010000 = listening
		f := strings.Fields(line)
		if len(f) < 8 || f[3] != "00010000" {
			continue
		}
		p := strings.Join(f[7:], " ")
		switch {
		case strings.HasPrefix(p, "@"):
			// abstract name: no file
		case filepath.IsAbs(p):
			if st, err := os.Stat(p); err == nil && os.SameFile(st, fi) {
				return fmt.Errorf("listen on %s: address already in use", path)
			}
		case filepath.Base(p) == filepath.Base(path):
			if ownerCwdHas(f[6], p, fi) {
				return fmt.Errorf("listen on %s: address already in use", path)
			}
			return fmt.Errorf("listen on %s: address may be in use: a process listens on %q, bound under a relative name; remove the file if it is stale", path, p)
		}
	}
	return nil
}

// ownerCwdHas reports whether the process holding the socket with inode ino has, under
// its current directory, the relative path rel naming the file fi. Only a yes is certain
// (the process may have changed directory since it bound rel), so a no never makes the
// socket count as stale.
func ownerCwdHas(ino, rel string, fi os.FileInfo) bool {
	want := "socket:[" + ino + "]"
	fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range fds {
		if link, err := os.Readlink(fd); err == nil && link == want {
			proc := filepath.Dir(filepath.Dir(fd))
			st, err := os.Stat(filepath.Join(proc, "cwd", rel))
			return err == nil && os.SameFile(st, fi)
		}
	}
	return false
}

// peerName is the peer's address for messages: addr:port, or the socket path for unix.
func peerName(conn net.Conn, cfg *config) string {
	if cfg.network == "unix" {
		return cfg.addr
	}
	return conn.RemoteAddr().String()
}

// serveUDP waits for the first datagram and then relays with its sender, like nc -u -l.
// UDP has no end of stream: only -q, -w or a signal end it.
func serveUDP(cfg *config, stdin io.Reader, stdout, stderr io.Writer) error {
	pc, err := net.ListenPacket(cfg.network, cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %s", cfg.addr, cause(err))
	}
	defer pc.Close()
	if cfg.verbose {
		printf(stderr, "listening on %s", pc.LocalAddr())
	}
	var in *relay.Input
	if !cfg.noStdin {
		in = relay.NewInput(stdin)
	}
	buf := make([]byte, relay.BufSize)
	n, from, err := pc.ReadFrom(buf)
	if err != nil {
		return fmt.Errorf("receive on %s: %s", pc.LocalAddr(), cause(err))
	}
	if cfg.verbose {
		printf(stderr, "connection from %s", from)
	}
	conn := &udpPeer{PacketConn: pc, peer: from, first: buf[:n]}
	err = relay.Relay(conn, in, stdout, relay.Options{Listen: true, Quit: cfg.quit, Idle: cfg.idle})
	if errors.Is(err, relay.ErrIdle) {
		return nil
	}
	return describe(err, from.String())
}

// udpPeer is a listening UDP socket seen as a connection to the first sender: datagrams
// from anyone else are dropped, and replies go to that sender.
type udpPeer struct {
	net.PacketConn
	peer  net.Addr
	first []byte // the datagram that chose the peer, not yet read
}

func (u *udpPeer) Read(b []byte) (int, error) {
	if u.first != nil {
		n := copy(b, u.first)
		u.first = nil
		return n, nil
	}
	for {
		n, from, err := u.ReadFrom(b)
		if err != nil || from.String() == u.peer.String() {
			return n, err
		}
	}
}

func (u *udpPeer) Write(b []byte) (int, error) {
	return sendDatagrams(b, func(p []byte) (int, error) { return u.WriteTo(p, u.peer) })
}
func (u *udpPeer) RemoteAddr() net.Addr { return u.peer }
