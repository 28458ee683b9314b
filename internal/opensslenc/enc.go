// Package opensslenc reads and writes the format of `openssl enc` (OpenSSL 3.0) byte for
// byte: the "Salted__" header, EVP_BytesToKey or PBKDF2 key derivation, AES-CBC with
// PKCS#7 padding, AES-CTR, ChaCha20 with openssl's counter carry, and base64 armor.
//
// It streams with fixed buffers. On decryption it is stricter and more liberal than openssl
// where that helps: it writes no plaintext of a message up to HoldBack bytes long unless the
// whole message decrypted (or, in base64, a pause made its first line look complete), it reads base64 in any shape, and it decodes several messages
// one after another.
package opensslenc

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// Magic starts every salted message, followed by the 8-byte salt.
const Magic = "Salted__"

// SaltLen is the length of openssl's salt.
const SaltLen = 8

// HoldBack is how much decrypted plaintext is held back until a message is known to be
// complete and correctly padded: a failing message of up to this size writes nothing.
const HoldBack = 64 * 1024

const chunk = 64 * 1024

var (
	// ErrBadDecrypt: the padding check failed or the length is wrong for the cipher,
	// almost always a wrong password or key, or a corrupted message.
	ErrBadDecrypt = errors.New("bad decrypt")
	// ErrBadMagic: a salted message was expected but the input does not start with "Salted__".
	ErrBadMagic = errors.New("bad magic number")
	// ErrTruncated: the input ends before the salt header is complete.
	ErrTruncated = errors.New("input truncated")
	// ErrNoPad: -nopad encryption of input that is not a whole number of blocks.
	ErrNoPad = errors.New("data not a multiple of the block length")
	// ErrNoKey: neither a password nor a key (and IV) to work with.
	ErrNoKey = errors.New("no password or key")
)

// Options are openssl enc's options for one direction.
type Options struct {
	Cipher   *Cipher
	KDF      KDF
	Password []byte // nil when the key comes from Key (-K)
	Key, IV  []byte // -K, -iv: override the derived values; lengths must match the cipher
	Salt     []byte // -S: this salt, and no header; nil for a random salt (or the header's)
	NoSalt   bool   // -nosalt: no salt, no header
	NoPad    bool   // -nopad
	Base64   bool   // -a
	OneLine  bool   // -A
	// Split lets the decryptor end a message where the next salted one starts (or, in
	// base64, where the text shows it complete); otherwise a message runs to EOF.
	Split bool
	// TextStarts are more texts that start a following message in base64 (another
	// format's armor), at most len(SaltedBase64) long.
	TextStarts []string
	// ShowKeys, when set, receives salt, key and IV once derived (-p, -P). Returning
	// ErrStop ends the operation there successfully without reading data (-P).
	ShowKeys func(Keys) error
}

// ErrStop, returned by ShowKeys, stops after the keys are known (-P).
var ErrStop = errors.New("stop")

// Keys are what -p prints.
type Keys struct {
	Salt, Key, IV []byte // Salt is nil when none was used
}

// WriteTo prints the keys as openssl's -p does: uppercase hex, "iv =" with its space.
func (k Keys) WriteTo(w io.Writer) (int64, error) {
	var s string
	if k.Salt != nil {
		s += fmt.Sprintf("salt=%X\n", k.Salt)
	}
	if k.Key != nil {
		s += fmt.Sprintf("key=%X\n", k.Key)
	}
	if len(k.IV) > 0 {
		s += fmt.Sprintf("iv =%X\n", k.IV)
	}
	n, err := io.WriteString(w, s)
	return int64(n), err
}

// salted reports whether a salt goes into the derivation; header, whether it is in the data.
func (o *Options) salted() bool { return o.Password != nil && !o.NoSalt }
func (o *Options) header() bool { return o.salted() && o.Salt == nil }

func (o *Options) derive(salt []byte) (Keys, error) {
	c := o.Cipher
	var k Keys
	if o.Password != nil {
		var err error
		if k.Key, k.IV, err = o.KDF.Derive(o.Password, salt, c.KeyLen, c.IVLen); err != nil {
			return k, err
		}
		k.Salt = salt
	}
	if o.Key != nil {
		k.Key = o.Key
	}
	if o.IV != nil {
		k.IV = o.IV
	}
	if k.Key == nil {
		return k, ErrNoKey
	}
	if len(k.IV) != c.IVLen {
		return k, errors.New("iv undefined: give -iv with -K, or a password")
	}
	return k, nil
}

func (o *Options) show(k Keys) error {
	if o.ShowKeys == nil {
		return nil
	}
	return o.ShowKeys(k)
}

// Encrypt reads src to EOF and writes it to dst as one openssl enc message.
func Encrypt(dst io.Writer, src io.Reader, o *Options) error {
	var salt []byte
	switch {
	case !o.salted():
	case o.Salt != nil:
		salt = o.Salt
	default:
		salt = make([]byte, SaltLen)
		if _, err := randRead(salt); err != nil {
			return err
		}
	}
	k, err := o.derive(salt)
	if err != nil {
		return err
	}
	crypt, err := o.Cipher.newTransform(k.Key, k.IV, false)
	if err != nil {
		return err
	}
	w := dst
	var b64 *base64Writer
	if o.Base64 {
		b64 = newBase64Writer(dst, o.OneLine)
		w = b64
	}
	// openssl's order: with -a the key lines come first (its base64 filter still holds the
	// header); in binary the header is written before them.
	if o.Base64 || !o.header() {
		if err := o.show(k); err != nil {
			return stopOK(err)
		}
	}
	if o.header() {
		if _, err := w.Write(append([]byte(Magic), salt...)); err != nil {
			return err
		}
		if !o.Base64 {
			if err := o.show(k); err != nil {
				return stopOK(err)
			}
		}
	}
	if err := encryptBody(w, src, o, crypt); err != nil {
		return err
	}
	if b64 != nil {
		return b64.Close()
	}
	return nil
}

func stopOK(err error) error {
	if errors.Is(err, ErrStop) {
		return nil
	}
	return err
}

func encryptBody(w io.Writer, src io.Reader, o *Options, crypt transform) error {
	bs := o.Cipher.BlockSize()
	buf := make([]byte, chunk+bs)
	have := 0
	for {
		n, rerr := src.Read(buf[have:chunk])
		have += n
		if full := have / bs * bs; full > 0 {
			crypt(buf[:full], buf[:full])
			if _, err := w.Write(buf[:full]); err != nil {
				return err
			}
			have = copy(buf, buf[full:have])
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if !o.Cipher.Padded() {
		return nil
	}
	if o.NoPad {
		if have != 0 {
			return ErrNoPad
		}
		return nil
	}
	pad := bs - have
	for i := have; i < bs; i++ {
		buf[i] = byte(pad)
	}
	crypt(buf[:bs], buf[:bs])
	_, err := w.Write(buf[:bs])
	return err
}

// Decrypt decrypts one message from br to dst. With o.Split, it stops where the next
// message starts and leaves that in br; otherwise it reads br to EOF.
func Decrypt(br *bufio.Reader, dst io.Writer, o *Options) error {
	return decrypt(br, dst, o, 0)
}

// decrypt is Decrypt; byteLoop is base64Reader.byteLoop (tests compare the fast paths with
// the byte loop through it).
func decrypt(br *bufio.Reader, dst io.Writer, o *Options, byteLoop int) error {
	var src io.Reader
	if o.Base64 {
		align := 0
		if o.Cipher.Padded() {
			align = o.Cipher.BlockSize()
		}
		r := newBase64Reader(br, o.Split && o.header(), align, o.TextStarts)
		r.byteLoop = byteLoop
		src = r
	} else {
		// Splitting starts after the header, which itself begins with "Salted__".
		src = &binaryReader{br: br, align: o.Cipher.BlockSize()}
	}
	salt := o.Salt
	if o.NoSalt || !o.salted() {
		salt = nil
	}
	if o.header() {
		hdr := make([]byte, len(Magic)+SaltLen)
		n, err := io.ReadFull(src, hdr)
		if n >= len(Magic) && string(hdr[:len(Magic)]) != Magic {
			return fmt.Errorf("%w: input does not start with %q", ErrBadMagic, Magic)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if n < len(Magic) && string(hdr[:n]) != Magic[:n] {
				return fmt.Errorf("%w: input does not start with %q", ErrBadMagic, Magic)
			}
			return fmt.Errorf("%w: %d bytes, too short for a salt header", ErrTruncated, n)
		}
		if err != nil {
			return err
		}
		salt = hdr[len(Magic):]
		if b, ok := src.(*binaryReader); ok {
			b.split, b.pos = o.Split, 0
		}
	}
	k, err := o.derive(salt)
	if err != nil {
		return err
	}
	if err := o.show(k); err != nil {
		return stopOK(err)
	}
	crypt, err := o.Cipher.newTransform(k.Key, k.IV, true)
	if err != nil {
		return err
	}
	hb := &holdBack{dst: dst, buf: make([]byte, 0, HoldBack+chunk)}
	if err := decryptBody(hb, src, o, crypt, k); err != nil {
		return err
	}
	return hb.flush()
}

func decryptBody(w io.Writer, src io.Reader, o *Options, crypt transform, k Keys) error {
	if !o.Cipher.Padded() {
		buf := make([]byte, chunk)
		for {
			n, rerr := src.Read(buf)
			if n > 0 {
				crypt(buf[:n], buf[:n])
				if _, err := w.Write(buf[:n]); err != nil {
					return err
				}
			}
			if rerr == io.EOF {
				return nil
			}
			if rerr != nil {
				return rerr
			}
		}
	}
	bs := o.Cipher.BlockSize()
	buf := make([]byte, chunk+bs)
	have := 0
	var total int64
	prev := bytes.Clone(k.IV) // the ciphertext block before buf[0]
	// At a pause in base64 (see base64Reader.onPause) the held block may be the last one:
	// if its padding checks, everything but the padding is written at once. The message goes
	// on if more follows, and then those bytes were data: released counts the held block's
	// bytes already written, so that the rest of it is written later and nothing twice.
	released, wroteAtPause := 0, false
	if b, ok := src.(*base64Reader); ok && !o.NoPad {
		b.onPause = func() error {
			if have != bs || total == 0 || released > 0 {
				return nil
			}
			n, ok := lastBlockPads(k.Key, prev, buf[:bs])
			if !ok {
				return nil
			}
			if _, err := w.Write(buf[bs : bs+n]); err != nil {
				return err
			}
			released, wroteAtPause = n, true
			if hb, ok := w.(*holdBack); ok {
				return hb.flush()
			}
			return nil
		}
	}
	for {
		n, rerr := src.Read(buf[have:])
		have += n
		total += int64(n)
		// Decrypt every whole block but the last one seen, which may be the padded one.
		if k := (have - 1) / bs * bs; k > 0 {
			copy(prev, buf[k-bs:k])
			crypt(buf[:k], buf[:k])
			if _, err := w.Write(buf[released:k]); err != nil {
				return err
			}
			released = 0
			have = copy(buf, buf[k:have])
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	// What was shown at a pause could not be held back: say so if the message then fails.
	shown := ""
	if wroteAtPause {
		shown = " (the message went on after a pause: what came before it was already written)"
	}
	if o.NoPad && total == 0 {
		return nil // an empty message, as openssl writes for empty input
	}
	if have != bs {
		return fmt.Errorf("%w: wrong final block length (%d bytes of ciphertext, not a positive multiple of %d): truncated or corrupted input%s", ErrBadDecrypt, total, bs, shown)
	}
	last := buf[:bs]
	crypt(last, last)
	if !o.NoPad {
		n, ok := unpad(last)
		if !ok {
			return fmt.Errorf("%w: wrong password or corrupted input%s", ErrBadDecrypt, shown)
		}
		last = last[:n]
	}
	_, err := w.Write(last[min(released, len(last)):])
	return err
}

// lastBlockPads decrypts the CBC block ct that follows prev into the buffer right after
// ct (cap(ct) >= 2*len(ct)) and checks its padding: ct[len(ct):len(ct)+n] is then the
// plaintext without it.
func lastBlockPads(key, prev, ct []byte) (n int, ok bool) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return 0, false
	}
	b := ct[len(ct) : 2*len(ct)]
	cipher.NewCBCDecrypter(block, prev).CryptBlocks(b, ct)
	return unpad(b)
}

// unpad checks PKCS#7 padding on the last block and returns the plaintext length.
func unpad(b []byte) (int, bool) {
	p := int(b[len(b)-1])
	if p == 0 || p > len(b) {
		return 0, false
	}
	var bad byte
	for _, c := range b[len(b)-p:] {
		bad |= c ^ byte(p)
	}
	return len(b) - p, bad == 0
}

// holdBack passes plaintext on only once more than HoldBack bytes are pending, so a message
// that fails its final check leaves nothing behind if it was no longer than that.
type holdBack struct {
	dst io.Writer
	buf []byte
}

func (h *holdBack) Write(p []byte) (int, error) {
	h.buf = append(h.buf, p...)
	if over := len(h.buf) - HoldBack; over > 0 {
		if _, err := h.dst.Write(h.buf[:over]); err != nil {
			return 0, err
		}
		h.buf = h.buf[:copy(h.buf, h.buf[over:])]
	}
	return len(p), nil
}

func (h *holdBack) flush() error {
	_, err := h.dst.Write(h.buf)
	h.buf = h.buf[:0]
	return err
}

// binaryReader reads one binary message. With split, it ends where "Salted__" starts at
// an offset of the body that is a multiple of align: the next message. A false match in
// random ciphertext has odds of 2^-64 per position.
type binaryReader struct {
	br    *bufio.Reader
	split bool
	align int
	pos   int64 // body bytes returned
	done  bool
}

func (r *binaryReader) Read(p []byte) (int, error) {
	if r.done {
		return 0, io.EOF
	}
	if !r.split {
		n, err := r.br.Read(p)
		r.pos += int64(n)
		return n, err
	}
	avail, err := r.br.Peek(len(Magic))
	if len(avail) < len(Magic) {
		if len(avail) == 0 {
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
		n := copy(p, avail) // too short to hold another header: plain data
		_, _ = r.br.Discard(n)
		r.pos += int64(n)
		return n, nil
	}
	avail, _ = r.br.Peek(r.br.Buffered())
	limit := len(avail) - len(Magic) + 1 // offsets below this can be checked now
	first := int((int64(r.align) - r.pos%int64(r.align)) % int64(r.align))
	for i := first; i < limit; i += r.align {
		if string(avail[i:i+len(Magic)]) == Magic {
			if i == 0 {
				r.done = true
				return 0, io.EOF
			}
			limit = i
			break
		}
	}
	n := copy(p, avail[:limit])
	_, _ = r.br.Discard(n)
	r.pos += int64(n)
	return n, nil
}

// ParseHex decodes a -K, -iv or -S value as openssl does: short values are padded with
// zero bytes and long ones cut to n bytes, each with a warning for the caller to print.
func ParseHex(s string, n int) (b []byte, warning string, err error) {
	if len(s)%2 == 1 {
		s += "0"
	}
	raw, err := hex.DecodeString(s)
	if err != nil {
		return nil, "", fmt.Errorf("invalid hex value: %w", err)
	}
	b = make([]byte, n)
	copy(b, raw)
	switch {
	case len(raw) < n:
		warning = "hex string is too short, padding with zero bytes to length"
	case len(raw) > n:
		warning = "hex string is too long, ignoring excess"
	}
	return b, warning, nil
}

// randRead is rand.Read; tests replace it to reproduce openssl's output for a known salt.
var randRead = defaultRandRead

var defaultRandRead = rand.Read
