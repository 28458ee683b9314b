package opensslenc

import (
	"encoding/binary"

	"golang.org/x/crypto/chacha20"
)

// chacha20Stream is ChaCha20 as openssl's "chacha20" cipher runs it. The 16-byte IV is a
// 32-bit little-endian block counter followed by a 96-bit nonce, and when the counter wraps
// openssl carries into the first nonce word (its state treats words 12 and 13 as one 64-bit
// counter). x/crypto/chacha20 panics at that point instead, so the wrap is done here: the
// keystream is produced in segments, one per value of the first nonce word.
type chacha20Stream struct {
	key   []byte
	nonce [chacha20.NonceSize]byte
	c     *chacha20.Cipher
	left  uint64 // keystream bytes before the 32-bit counter wraps
}

func newChaCha20(key, iv []byte) (*chacha20Stream, error) {
	s := &chacha20Stream{key: key}
	copy(s.nonce[:], iv[4:])
	counter := binary.LittleEndian.Uint32(iv[:4])
	c, err := chacha20.NewUnauthenticatedCipher(key, s.nonce[:])
	if err != nil {
		return nil, err
	}
	c.SetCounter(counter)
	s.c = c
	s.left = (1<<32 - uint64(counter)) * 64
	return s, nil
}

func (s *chacha20Stream) XORKeyStream(dst, src []byte) {
	for len(src) > 0 {
		if s.left == 0 {
			w := binary.LittleEndian.Uint32(s.nonce[:4]) + 1
			binary.LittleEndian.PutUint32(s.nonce[:4], w)
			// NewUnauthenticatedCipher only fails on bad sizes, checked in newChaCha20.
			s.c, _ = chacha20.NewUnauthenticatedCipher(s.key, s.nonce[:])
			s.left = 1 << 32 * 64
		}
		n := len(src)
		if uint64(n) > s.left {
			n = int(s.left)
		}
		s.c.XORKeyStream(dst[:n], src[:n])
		s.left -= uint64(n)
		dst, src = dst[n:], src[n:]
	}
}
