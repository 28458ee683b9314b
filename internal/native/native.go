// Package native implements nckit's own streaming encryption format (version 1, "nckitENC"):
// a password-based, authenticated, flushable and truncation-proof stream of variable-length
// records, in binary or armored (one base64 line per record) form.
//
// The format is specified in docs/FORMAT.md; this package is its reference implementation.
// In short: a 61-byte header carries Argon2id parameters, a fresh salt and a key commitment;
// HKDF-SHA256 binds the whole header into every key; each record is sealed with AES-256-GCM
// under a nonce made from a record counter; an END record marks the clean end.
package native

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Errors returned (wrapped, with detail) by the decoder and by Params.Check. Callers decide
// exit codes with errors.Is; the wrapped text is meant to be printed after the program name.
var (
	ErrWrongPassword = errors.New("wrong password")
	ErrCorrupt       = errors.New("corrupted input")
	ErrTruncated     = errors.New("stream truncated")
	ErrUnsupported   = errors.New("unsupported input")
	ErrLimit         = errors.New("over a decoder limit")
)

// Version is the format version this package writes and reads.
const Version = 1

// Wire constants of version 1 (docs/FORMAT.md, section "Header" and "Records").
const (
	// PrefixLen is how many leading bytes IsStart needs to recognise a stream.
	PrefixLen = len(armorMagic)

	// HeaderLen is the size of a version 1 header.
	HeaderLen = len(binaryMagicStr) + 1 + 1 + 4 + 1 + SaltLen + CommitLen
	// SaltLen is the size of the per-stream random Argon2id salt.
	SaltLen = 16
	// CommitLen is the size of the key commitment at the end of the header.
	CommitLen = 32
	// pubLen is the header's public part, magic to salt: what every key is bound to, and
	// what a binary writer sends before its Argon2id run.
	pubLen = HeaderLen - CommitLen

	// RecordSize is the most plaintext one record carries (chosen by measurement, FORMAT.md).
	RecordSize = 16384
	// tagLen is the AES-GCM tag size; the record body is inner plaintext plus tag.
	tagLen = 16
	// MaxBody is the decrypt-side ceiling on a record's length field.
	MaxBody = RecordSize + 1 + tagLen
	// minBody is the smallest valid body: a type byte and the tag.
	minBody = 1 + tagLen

	// RecordsPerKey is how many records one AES-256-GCM key seals before the next key
	// (epoch) takes over; see FORMAT.md "Per-key limit".
	RecordsPerKey = 1 << 20

	// MaxArmorHeaderLine bounds the armored header line (terminator included); a version 1
	// header line is 84 characters.
	MaxArmorHeaderLine = 1024
	// MaxArmorLine bounds an armored record line, terminator ("\r\n") included.
	MaxArmorLine = (2+MaxBody+2)/3*4 + 2
)

// Record types, carried encrypted as the last non-zero byte of a record's inner plaintext.
const (
	typeData = 1
	typeEnd  = 2
)

// The binary magic is chosen so that its base64 form reads "nckitENC": an armored stream
// starts with that word, and the binary one starts with a non-ASCII byte that can be mistaken
// neither for text nor for openssl's "Salted__".
const (
	binaryMagicStr = "\x9d\xc9\x22\xb4\x43\x42"
	armorMagic     = "nckitENC"
)

// Decrypt-side ceilings on the Argon2id parameters (FORMAT.md "Ceilings"). They bound what a
// stream from an untrusted peer can make the decryptor spend: about 3 s and 1 GiB here.
const (
	MaxTime      = 16
	MaxMemoryKiB = 1 << 20 // 1 GiB
	MaxThreads   = 16
	// MaxCost bounds Time*MemoryKiB, the total memory passes Argon2id makes.
	MaxCost = 2 << 20 // 2 GiB of passes
)

// Params are the Argon2id cost parameters, stored in the header of every stream.
type Params struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
}

// DefaultParams is the cost ncenc uses unless told otherwise: above OWASP's Argon2id minimum
// (19 MiB, t=2, p=1) and about 80 ms on the reference machine (FORMAT.md "KDF cost").
func DefaultParams() Params {
	return Params{Time: 2, MemoryKiB: 64 << 10, Threads: 1}
}

// Check reports whether p is within the decrypt-side ceilings, naming the offending value.
// NewWriter calls it, so nckit never writes a stream it would refuse to read.
func (p Params) Check() error {
	switch {
	case p.Time < 1:
		return fmt.Errorf("%w: argon2 time %d, must be at least 1", ErrLimit, p.Time)
	case p.Time > MaxTime:
		return fmt.Errorf("%w: argon2 time %d exceeds the ceiling %d", ErrLimit, p.Time, MaxTime)
	case p.Threads < 1:
		return fmt.Errorf("%w: argon2 threads %d, must be at least 1", ErrLimit, p.Threads)
	case p.Threads > MaxThreads:
		return fmt.Errorf("%w: argon2 threads %d exceeds the ceiling %d", ErrLimit, p.Threads, MaxThreads)
	case p.MemoryKiB > MaxMemoryKiB:
		return fmt.Errorf("%w: argon2 memory %d KiB exceeds the ceiling %d KiB", ErrLimit, p.MemoryKiB, MaxMemoryKiB)
	case p.MemoryKiB < 8*uint32(p.Threads):
		// Argon2 needs 8 KiB per lane; x/crypto would silently raise it, changing the key.
		return fmt.Errorf("%w: argon2 memory %d KiB, must be at least 8 KiB per thread (%d KiB)",
			ErrLimit, p.MemoryKiB, 8*uint32(p.Threads))
	case uint64(p.Time)*uint64(p.MemoryKiB) > MaxCost:
		return fmt.Errorf("%w: argon2 cost time*memory %d KiB exceeds the ceiling %d KiB",
			ErrLimit, uint64(p.Time)*uint64(p.MemoryKiB), MaxCost)
	}
	return nil
}

// IsStart reports whether prefix (at least PrefixLen bytes, fewer only at EOF) begins a native
// stream, binary or armored. It matches the magic only; the version is checked by the decoder
// so that a future version gets "unsupported version" rather than "not recognised".
func IsStart(prefix []byte) bool {
	return bytes.HasPrefix(prefix, []byte(binaryMagicStr)) || bytes.HasPrefix(prefix, []byte(armorMagic))
}

// header is a parsed version 1 header.
type header struct {
	params Params
	salt   [SaltLen]byte
	commit [CommitLen]byte
}

// marshal encodes h; its first pubLen bytes are what every key is bound to.
func (h *header) marshal() []byte {
	b := make([]byte, 0, HeaderLen)
	b = append(b, binaryMagicStr...)
	b = append(b, Version, byte(h.params.Time))
	b = binary.BigEndian.AppendUint32(b, h.params.MemoryKiB)
	b = append(b, h.params.Threads)
	b = append(b, h.salt[:]...)
	return append(b, h.commit[:]...)
}

// parseHeader decodes a header, checking magic, version and ceilings before anything is
// derived. b may be shorter than HeaderLen only if the input ended; that is reported as
// truncation once the version is known to be ours.
func parseHeader(b []byte) (*header, error) {
	h, err := parseUpTo(b, HeaderLen)
	if err != nil {
		return nil, err
	}
	copy(h.commit[:], b[pubLen:])
	return h, nil
}

// parsePublic decodes a header's public part (pubLen bytes, no commitment), with the same
// checks as parseHeader: everything a decoder checks before Argon2id is in it.
func parsePublic(b []byte) (*header, error) { return parseUpTo(b, pubLen) }

// parseUpTo decodes the first n bytes of a header (pubLen or HeaderLen), b being exactly those.
func parseUpTo(b []byte, n int) (*header, error) {
	m := len(binaryMagicStr)
	if len(b) < m || string(b[:m]) != binaryMagicStr {
		return nil, fmt.Errorf("%w: not an nckit native stream", ErrUnsupported)
	}
	if len(b) < m+1 {
		return nil, fmt.Errorf("%w: inside the header (%d of %d bytes)", ErrTruncated, len(b), HeaderLen)
	}
	if v := b[m]; v != Version {
		return nil, fmt.Errorf("%w: native format version %d (this nckit reads version %d)", ErrUnsupported, v, Version)
	}
	if len(b) < n {
		return nil, fmt.Errorf("%w: inside the header (%d of %d bytes)", ErrTruncated, len(b), HeaderLen)
	}
	if len(b) > n {
		return nil, fmt.Errorf("%w: header is %d bytes, want %d", ErrCorrupt, len(b), n)
	}
	h := &header{params: Params{
		Time:      uint32(b[m+1]),
		MemoryKiB: binary.BigEndian.Uint32(b[m+2:]),
		Threads:   b[m+6],
	}}
	if err := h.params.Check(); err != nil {
		return nil, err
	}
	copy(h.salt[:], b[m+7:])
	return h, nil
}
