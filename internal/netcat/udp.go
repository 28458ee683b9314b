package netcat

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/nckit/nckit/internal/relay"
)

// udpMax is the largest datagram we send: stdin is cut into datagrams of at most this
// size, as OpenBSD nc does (its buffer is 16 KiB), instead of one per read of stdin, which
// can exceed what UDP carries ("message too long").
const udpMax = 16 << 10

// datagrams is a UDP connection whose writes are cut into datagrams of at most udpMax.
type datagrams struct{ net.Conn }

func (d datagrams) Write(b []byte) (int, error) { return sendDatagrams(b, d.Conn.Write) }

// sendDatagrams sends b with send, udpMax bytes at a time.
func sendDatagrams(b []byte, send func([]byte) (int, error)) (int, error) {
	done := 0
	for done < len(b) {
		n, err := send(b[done:min(len(b), done+udpMax)])
		done += n
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// serveDatagrams serves -u (UDP, or unix datagrams with -U). Without -k it waits for the
// first datagram and then relays with its sender, like nc -u -l. With -k, as nc -k -u, it
// takes datagrams from every sender and writes them to stdout; stdin is not read, since no
// one peer is there to send it to. Datagrams have no end of stream: only -q, -w or a
// signal end it.
func serveDatagrams(cfg *config, stdin io.Reader, stdout, stderr io.Writer, lv *live) error {
	pc, err := listenPacket(cfg)
	if err != nil {
		return err
	}
	defer pc.Close()
	if cfg.network == "unixgram" {
		lv.socketFile(cfg.addr)
		defer os.Remove(cfg.addr)
	}
	if cfg.verbose {
		reportListening(stderr, pc.LocalAddr(), cfg)
	}
	if cfg.keep {
		return receiveAll(cfg, pc, stdout)
	}
	var in *relay.Input
	if !cfg.noStdin {
		in = relay.NewInput(stdin)
	}
	buf := make([]byte, relay.BufSize)
	n, from, err := pc.ReadFrom(buf)
	if err != nil {
		return fmt.Errorf("receive on %s: %s", cfg.addr, cause(err))
	}
	if cfg.verbose {
		sockLine(stderr, "Connection received", from, cfg)
	}
	peer := cfg.addr
	if from != nil && cfg.network != "unixgram" {
		peer = from.String()
	}
	conn := &udpPeer{PacketConn: pc, peer: from, first: buf[:n]}
	err = relay.Relay(conn, in, stdout, relay.Options{Listen: true, Quit: cfg.quit, Idle: cfg.idle})
	if errors.Is(err, relay.ErrIdle) {
		return nil
	}
	return describe(err, peer)
}

// receiveAll writes every datagram from anyone to stdout until -w's idle time passes.
func receiveAll(cfg *config, pc net.PacketConn, stdout io.Writer) error {
	buf := make([]byte, relay.BufSize)
	for {
		if cfg.idle > 0 {
			_ = pc.SetReadDeadline(time.Now().Add(cfg.idle))
		}
		n, _, err := pc.ReadFrom(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil // -w: nothing lost
		}
		if err != nil {
			return fmt.Errorf("receive on %s: %s", cfg.addr, cause(err))
		}
		if _, err := stdout.Write(buf[:n]); err != nil {
			return fmt.Errorf("write stdout: %s", cause(err))
		}
	}
}

// listenPacket opens the UDP socket, or the unix datagram socket with exactly cfg.mode.
func listenPacket(cfg *config) (net.PacketConn, error) {
	if cfg.network == "unixgram" {
		if err := checkSocketPath(cfg.addr); err != nil {
			return nil, err
		}
		var pc net.PacketConn
		err := withMode(cfg.mode, func() (err error) {
			pc, err = net.ListenPacket(cfg.network, cfg.addr)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("listen on %s: %s", cfg.addr, cause(err))
		}
		return pc, nil
	}
	pc, err := net.ListenPacket(cfg.network, cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %s", cfg.addr, cause(err))
	}
	return pc, nil
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
		if err != nil || sameAddr(from, u.peer) {
			return n, err
		}
	}
}

func (u *udpPeer) Write(b []byte) (int, error) {
	return sendDatagrams(b, func(p []byte) (int, error) { return u.WriteTo(p, u.peer) })
}
func (u *udpPeer) RemoteAddr() net.Addr { return u.peer }

func sameAddr(a, b net.Addr) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.String() == b.String()
}
