package native

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Labels of the key schedule (FORMAT.md "Key schedule"). Each HKDF-Expand info starts with a
// different first byte, so the three uses can never collide whatever follows.
const (
	extractSalt = "nckit v1"
	infoCommit  = "commit"
	infoNonce   = "nonce"
	infoKey     = "key"
	ikmLen      = 32
	keyLen      = 32
	nonceLen    = 12
)

// schedule holds what one stream's records are sealed or opened with: the HKDF pseudorandom
// key (for later epochs), the context every key is bound to, the nonce base and the AEAD of
// the current epoch.
type schedule struct {
	prk       []byte
	ctx       []byte
	nonceBase [nonceLen]byte
	nonce     [nonceLen]byte // the current record's nonce, kept here to avoid an allocation
	commit    [CommitLen]byte
	perKey    uint64 // RecordsPerKey, smaller in tests that cross an epoch
	epoch     uint64
	aead      cipher.AEAD
	seq       uint64 // sequence number of the next record
}

// derive runs Argon2id and HKDF for a header whose public part (pubLen bytes) is bound,
// yielding the key commitment and the schedule. The label is an optional context (e.g. a
// direction) that must match on both sides; it is not on the wire.
func derive(password []byte, h *header, label string) (*schedule, error) {
	if len(label) > 255 {
		return nil, fmt.Errorf("label is %d bytes, at most 255", len(label))
	}
	ikm := argon2ID(password, h.salt[:], h.params)
	return expand(ikm, h.marshal()[:pubLen], label)
}

// argon2ID is argon2.IDKey on pages already faulted in. x/crypto reads each block before
// writing it, so fresh pages fault twice; prefaulting halves the faults and shortens a cold
// derivation (docs/BENCHMARKS.md, "prefaulted KDF memory"). The collector stays off until
// Argon2id has allocated, so the prefaulted span is neither scavenged nor taken by another
// allocation; kdfMu serialises this process-wide setting.
func argon2ID(password, salt []byte, p Params) []byte {
	if p.MemoryKiB >= prefaultMinKiB {
		kdfMu.Lock()
		defer kdfMu.Unlock()
		defer debug.SetGCPercent(debug.SetGCPercent(-1))
		prefault(p.MemoryKiB)
	}
	return argon2.IDKey(password, salt, p.Time, p.MemoryKiB, p.Threads, ikmLen)
}

// prefault leaves memKiB KiB of written pages as one free span where the next allocation of
// that size goes. It first returns free pages to the kernel, so that a previous stream's
// block array is reused rather than doubled (TestPrefaultReusesMemory).
func prefault(memKiB uint32) {
	debug.FreeOSMemory()
	b := make([]byte, int(memKiB)*1024)
	for i := 0; i < len(b); i += pageSize {
		b[i] = 0
	}
	runtime.KeepAlive(b)
	runtime.GC() // frees and sweeps the buffer now, so Argon2id's allocation finds it
}

var kdfMu sync.Mutex

// prefaultMinKiB is where prefaulting starts to pay for its collections.
const prefaultMinKiB = 4096

var pageSize = os.Getpagesize()

// expand is the HKDF part of derive, split out for the test vectors.
func expand(ikm, bound []byte, label string) (*schedule, error) {
	prk, err := hkdf.Extract(sha256.New, ikm, []byte(extractSalt))
	if err != nil {
		return nil, err
	}
	ctx := make([]byte, 0, len(bound)+1+len(label))
	ctx = append(ctx, bound...)
	ctx = append(ctx, byte(len(label)))
	ctx = append(ctx, label...)
	s := &schedule{prk: prk, ctx: ctx, perKey: RecordsPerKey}
	c, err := hkdf.Expand(sha256.New, prk, infoCommit+string(ctx), CommitLen)
	if err != nil {
		return nil, err
	}
	copy(s.commit[:], c)
	n, err := hkdf.Expand(sha256.New, prk, infoNonce+string(ctx), nonceLen)
	if err != nil {
		return nil, err
	}
	copy(s.nonceBase[:], n)
	if err := s.setEpoch(0); err != nil {
		return nil, err
	}
	return s, nil
}

// epochKey is the AES-256-GCM key for records epoch*perKey ... (epoch+1)*perKey-1.
func (s *schedule) epochKey(epoch uint64) ([]byte, error) {
	var e [8]byte
	binary.BigEndian.PutUint64(e[:], epoch)
	return hkdf.Expand(sha256.New, s.prk, infoKey+string(e[:])+string(s.ctx), keyLen)
}

func (s *schedule) setEpoch(epoch uint64) error {
	k, err := s.epochKey(epoch)
	if err != nil {
		return err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return err
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	s.aead, s.epoch = g, epoch
	return nil
}

// next returns the AEAD and nonce for the next record and advances the counter, switching to
// the next epoch's key every perKey records.
func (s *schedule) next() (cipher.AEAD, []byte, error) {
	if s.seq == math.MaxUint64 {
		return nil, nil, fmt.Errorf("%w: record counter exhausted", ErrLimit)
	}
	if e := s.seq / s.perKey; e != s.epoch {
		if err := s.setEpoch(e); err != nil {
			return nil, nil, err
		}
	}
	s.nonce = s.nonceBase
	var c [8]byte
	binary.BigEndian.PutUint64(c[:], s.seq)
	for i := range c {
		s.nonce[nonceLen-8+i] ^= c[i]
	}
	s.seq++
	return s.aead, s.nonce[:], nil
}
