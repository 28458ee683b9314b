package netcat

import (
	"errors"
	"fmt"
	"io"
	"net"

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
