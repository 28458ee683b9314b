package encdec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nckit/nckit/internal/native"
	"github.com/nckit/nckit/internal/opensslenc"
)

// maxLabel is the native format's longest label (its length is one byte of the key schedule).
const maxLabel = 255

// nativeArmorStart is how an armored nckit stream begins (native.IsStart accepts it).
const nativeArmorStart = "nckitENC"

// maxSpace bounds the white space before a message, which a peer could otherwise drip forever.
const maxSpace = 4096

// Exit statuses of ncdec beyond 0, 1 and 2 (ncdec(1) "EXIT STATUS").
const (
	// exitAuth: a native stream failed authentication (wrong password, forged, truncated,
	// outside the KDF window). Safe to tell a peer: the format is authenticated.
	exitAuth = 3
	// exitOpenSSL: under ncl --each (NCL_PEER set), an openssl message failed to decrypt and
	// the input was read to its end, so the connection closes as a success does: the peer
	// learns nothing of the padding check.
	exitOpenSSL = 4
)

// exitError carries an exit status other than 1 (cli.ExitCoder).
type exitError struct {
	error
	code int
}

func (e exitError) ExitCode() int { return e.code }
func (e exitError) Unwrap() error { return e.error }

var (
	errEmpty = errors.New("no input")
	// errUnknown: input that is neither format.
	errUnknown = errors.New("unrecognized input")
	// errOpenSSLRefused: an openssl message where only nckit's authenticated format may be
	// read. Nothing of it is decrypted, let alone printed.
	errOpenSSLRefused = errors.New("openssl-format message refused")
)

// defaultCipher is what -detect reads an openssl message with: the tutorial's -aes-256-cbc
// -pbkdf2 (sha256, 10000 rounds unless -md/-iter say otherwise).
var defaultCipher, _ = opensslenc.LookupCipher("aes-256-cbc")

const peekLen = max(native.PrefixLen, len(opensslenc.SaltedBase64), len(opensslenc.Magic))

// decoder decrypts the messages of one input, one after another.
type decoder struct {
	*config
	br     *bufio.Reader
	dst    *bufio.Writer
	keysTo io.Writer
	pw     []byte
	dl     *deadlineReader // nil: no deadlines (a regular file or a terminal)
	// sawNative: a nckit stream has been decoded, so an openssl message after it would be a
	// downgrade in mid-stream and is refused.
	sawNative bool
}

// arm bounds what is read next to d from now (d = 0: no bound).
func (dc *decoder) arm(d time.Duration, why, option string) {
	if dc.dl == nil {
		return
	}
	if d == 0 {
		dc.dl.set(time.Time{}, "")
		return
	}
	dc.dl.set(time.Now().Add(d), fmt.Sprintf("%s within %v (%s SECS changes it)", why, d, option))
}

// decryptAll decrypts message after message until EOF, each in the format it shows, and
// writes each message's plaintext as soon as that message is complete: dst is flushed after
// every message (the next one may start with a KDF run before any read of the input).
func (dc *decoder) decryptAll() error {
	// A headerless openssl message has nothing to recognise it by: it runs to EOF.
	headerless := dc.cipher != nil && (dc.noSalt || dc.salt != nil || dc.key != nil && dc.pw == nil)
	if dc.peer {
		// an idle connection frees its handler's slot
		dc.arm(dc.headerTimeout, "no message began", "-header-timeout")
	}
	for n := 1; ; n++ {
		// The wait for a message is unbounded (but the first under ncl --each); from its
		// first byte on, the message is.
		if _, err := dc.br.Peek(1); err == nil && !(dc.peer && n == 1) {
			dc.arm(dc.headerTimeout, "the message's header did not arrive", "-header-timeout")
		}
		if !(dc.cipher != nil && !dc.base64 && n == 1) {
			// White space between text messages (and before the first) is no message.
			if err := skipSpace(dc.br); err != nil {
				return err
			}
		}
		prefix, err := dc.br.Peek(peekLen)
		if err != nil && err != io.EOF {
			// a start cut short by a deadline or a read error is no unrecognized input
			if errors.Is(err, errTimeout) {
				return err
			}
			if len(prefix) > 0 {
				return fmt.Errorf("read error: %w", err)
			}
		}
		if len(prefix) == 0 {
			switch {
			case err != nil && err != io.EOF:
				return fmt.Errorf("read error: %w", err)
			case n == 1 && headerless && (dc.noPad || !dc.cipher.Padded()):
				return nil // an empty message: openssl writes nothing for empty input
			case n == 1:
				return fmt.Errorf("%w: expected encrypted data", errEmpty)
			}
			return nil
		}
		err = dc.decryptOne(prefix, n, headerless)
		dc.arm(0, "", "")
		if err != nil {
			if n > 1 {
				err = fmt.Errorf("message %d: %w", n, err)
			}
			return err
		}
		if err := dc.dst.Flush(); err != nil {
			return fmt.Errorf("write error: %w", err)
		}
		if dc.show == 2 || headerless {
			return nil
		}
	}
}

func (dc *decoder) decryptOne(prefix []byte, n int, headerless bool) error {
	isB64 := bytes.HasPrefix(prefix, []byte(opensslenc.SaltedBase64))
	isBin := bytes.HasPrefix(prefix, []byte(opensslenc.Magic))
	isNative := native.IsStart(prefix)
	if dc.cipher == nil {
		switch {
		case isNative:
			return dc.decryptNative()
		case (isB64 || isBin) && dc.label != "":
			// Accepting it would let a message that is bound to no context through where the
			// caller asked for streams bound to theirs (a reflected or foreign one, say).
			return hinted{fmt.Errorf("%w: with -label only nckit streams are accepted (openssl's format has no label)", errOpenSSLRefused),
				"leave out -label and name the cipher to read openssl messages"}
		case (isB64 || isBin) && dc.sawNative:
			// Whoever can inject bytes after an authenticated stream could otherwise append
			// unauthenticated text that would be printed as if it came from the same sender.
			return fmt.Errorf("%w after a nckit stream", errOpenSSLRefused)
		case (isB64 || isBin) && !dc.detect:
			return fmt.Errorf("%w: name its cipher (e.g. -aes-256-cbc -pbkdf2) or pass -detect", errOpenSSLRefused)
		case isB64 || isBin:
			o := dc.opensslOptions(dc.pw, dc.keysTo)
			o.Cipher = defaultCipher
			o.KDF.PBKDF2 = true
			o.Base64 = isB64
			return dc.decryptOpenSSL(o)
		case n == 1 && !dc.detect:
			return hinted{fmt.Errorf("%w: not nckit's format", errUnknown),
				"for an openssl message name its cipher (e.g. -aes-256-cbc -pbkdf2)"}
		case n == 1:
			return hinted{fmt.Errorf("%w: neither nckit's format nor openssl enc's", errUnknown),
				"openssl messages start with \"Salted__\" (or U2FsdGVkX1 in base64); for -nosalt, -S or -K name the cipher"}
		default:
			return fmt.Errorf("%w after the previous message", errUnknown)
		}
	}
	if n > 1 && !(dc.base64 && isB64 || !dc.base64 && isBin) {
		return fmt.Errorf("%w after the previous message", errUnknown)
	}
	err := dc.decryptOpenSSL(dc.opensslOptions(dc.pw, dc.keysTo))
	if err != nil && isNative && !headerless {
		return hinted{err, "the input is in nckit's own format: leave out the openssl cipher options"}
	}
	return err
}

func (dc *decoder) decryptNative() error {
	o := native.Options{
		Label:  dc.label,
		Accept: func(p native.Params) error { return dc.win.check(p, "header asks", "this receiver's") },
		// A binary header's commitment is awaited once this side's Argon2id has run: the
		// sender sends it after its own, which runs at the same time.
		Pace: func(awaited string) {
			if awaited != "" {
				dc.arm(dc.headerTimeout, awaited+" did not arrive", "-header-timeout")
			} else {
				dc.arm(0, "", "")
			}
		},
	}
	err := native.Decrypt(dc.br, dc.dst, dc.pw, o)
	for _, e := range []error{native.ErrWrongPassword, native.ErrCorrupt, native.ErrTruncated, native.ErrUnsupported, native.ErrLimit} {
		if errors.Is(err, e) {
			return exitError{err, exitAuth}
		}
	}
	if err == nil {
		dc.sawNative = true
	}
	return err
}

// decryptOpenSSL decrypts one openssl message within the message deadline. Under ncl --each
// a connection carries one openssl message: whatever its padding check says, the rest of the
// input is read to its end under the same deadline and ignored, and the outcome is exit 0 or
// 4, which ncl answers alike, so the peer can tell a good padding neither by how nor by when
// the connection ends.
func (dc *decoder) decryptOpenSSL(o *opensslenc.Options) error {
	dc.arm(dc.messageTimeout, "the openssl message did not arrive", "-message-timeout")
	err := opensslenc.Decrypt(dc.br, dc.dst, o)
	if !dc.peer || errors.Is(err, opensslenc.ErrBadMagic) || errors.Is(err, errTimeout) {
		return err // these do not depend on the key
	}
	if err == nil {
		if ferr := dc.dst.Flush(); ferr != nil {
			return fmt.Errorf("write error: %w", ferr)
		}
	}
	n, derr := io.Copy(io.Discard, dc.br)
	switch {
	case derr != nil:
		return derr // the same time-out or read error on either path
	case err != nil:
		return exitError{err, exitOpenSSL}
	case n > 0:
		return exitError{fmt.Errorf("%d bytes after the openssl message ignored: one message per connection under ncl --each", n), exitOpenSSL}
	}
	return nil
}

// skipSpace skips white space, at most maxSpace bytes of it.
func skipSpace(br *bufio.Reader) error {
	for i := 0; ; i++ {
		c, err := br.ReadByte()
		if err == io.EOF {
			return nil
		}
		if errors.Is(err, errTimeout) {
			return err
		}
		if err != nil {
			return fmt.Errorf("read error: %w", err)
		}
		switch c {
		case ' ', '\t', '\r', '\n', '\f', '\v':
			if i >= maxSpace {
				return fmt.Errorf("more than %d bytes of white space before a message", maxSpace)
			}
			continue
		}
		return br.UnreadByte()
	}
}
