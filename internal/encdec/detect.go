package encdec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/nckit/nckit/internal/native"
	"github.com/nckit/nckit/internal/opensslenc"
)

// maxLabel is the native format's longest label (its length is one byte of the key schedule).
const maxLabel = 255

// nativeArmorStart is how an armored nckit stream begins (native.IsStart accepts it).
const nativeArmorStart = "nckitENC"

var (
	errEmpty = errors.New("no input")
	// errUnknown: input that is neither format.
	errUnknown = errors.New("unrecognized input")
	// errOpenSSLRefused: an openssl message where only nckit's authenticated format may be
	// read. Nothing of it is decrypted, let alone printed.
	errOpenSSLRefused = errors.New("refusing an openssl-format message (unauthenticated)")
)

// defaultCipher is what an openssl message is read with when no cipher is named: the
// tutorial's -aes-256-cbc -pbkdf2 (sha256, 10000 rounds unless -md/-iter say otherwise).
var defaultCipher, _ = opensslenc.LookupCipher("aes-256-cbc")

const peekLen = max(native.PrefixLen, len(opensslenc.SaltedBase64), len(opensslenc.Magic))

// decryptAll decrypts message after message until EOF, each in the format it shows, and
// writes each message's plaintext as soon as that message is complete: dst is flushed after
// every message (the next one may start with a KDF run before any read of the input).
func (cfg *config) decryptAll(br *bufio.Reader, dst *bufio.Writer, keysTo io.Writer, pw []byte) error {
	// A headerless openssl message has nothing to recognise it by: it runs to EOF.
	headerless := cfg.cipher != nil && (cfg.noSalt || cfg.salt != nil || cfg.key != nil && pw == nil)
	for n := 1; ; n++ {
		if !(cfg.cipher != nil && !cfg.base64 && n == 1) {
			// White space between text messages (and before the first) is no message.
			if err := skipSpace(br); err != nil {
				return err
			}
		}
		prefix, err := br.Peek(peekLen)
		if len(prefix) == 0 {
			switch {
			case err != nil && err != io.EOF:
				return fmt.Errorf("read error: %w", err)
			case n == 1:
				return fmt.Errorf("%w: expected encrypted data", errEmpty)
			}
			return nil
		}
		err = cfg.decryptOne(br, dst, keysTo, pw, prefix, n, headerless)
		if err != nil {
			if n > 1 {
				return fmt.Errorf("message %d: %w", n, err)
			}
			return err
		}
		if err := dst.Flush(); err != nil {
			return fmt.Errorf("write error: %w", err)
		}
		if cfg.show == 2 || headerless {
			return nil
		}
	}
}

func (cfg *config) decryptOne(br *bufio.Reader, dst, keysTo io.Writer, pw, prefix []byte, n int, headerless bool) error {
	isB64 := bytes.HasPrefix(prefix, []byte(opensslenc.SaltedBase64))
	isBin := bytes.HasPrefix(prefix, []byte(opensslenc.Magic))
	isNative := native.IsStart(prefix)
	if cfg.cipher == nil {
		switch {
		case isNative:
			if err := native.DecryptLabeledStream(br, dst, pw, cfg.label); err != nil {
				return err
			}
			cfg.sawNative = true
			return nil
		case (isB64 || isBin) && cfg.label != "":
			// Accepting it would let a message that is bound to no context through where the
			// caller asked for streams bound to theirs (a reflected or foreign one, say).
			return hinted{errors.New("openssl message refused: with -label only nckit streams are accepted (openssl's format has no label)"),
				"leave out -label to read openssl messages"}
		case (isB64 || isBin) && cfg.nativeOnly:
			return fmt.Errorf("%w with -native", errOpenSSLRefused)
		case (isB64 || isBin) && cfg.sawNative:
			// Whoever can inject bytes after an authenticated stream could otherwise append
			// unauthenticated text that would be printed as if it came from the same sender.
			return fmt.Errorf("%w after a nckit stream", errOpenSSLRefused)
		case isB64 || isBin:
			o := cfg.opensslOptions(pw, keysTo)
			o.Cipher = defaultCipher
			o.KDF.PBKDF2 = true
			o.Base64 = isB64
			return opensslenc.Decrypt(br, dst, o)
		case n == 1 && cfg.nativeOnly:
			return fmt.Errorf("%w: neither nckit's format nor openssl enc's", errUnknown)
		case n == 1:
			return hinted{fmt.Errorf("%w: neither nckit's format nor openssl enc's", errUnknown),
				"openssl messages start with \"Salted__\" (or U2FsdGVkX1 in base64); for -nosalt, -S or -K name the cipher"}
		default:
			return fmt.Errorf("%w after the previous message", errUnknown)
		}
	}
	if n > 1 && !(cfg.base64 && isB64 || !cfg.base64 && isBin) {
		return fmt.Errorf("%w after the previous message", errUnknown)
	}
	err := opensslenc.Decrypt(br, dst, cfg.opensslOptions(pw, keysTo))
	if err != nil && isNative && !headerless {
		return hinted{err, "the input is in nckit's own format: leave out the openssl cipher options"}
	}
	return err
}

func skipSpace(br *bufio.Reader) error {
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read error: %w", err)
		}
		switch c {
		case ' ', '\t', '\r', '\n', '\f', '\v':
			continue
		}
		return br.UnreadByte()
	}
}
