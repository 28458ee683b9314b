package native

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/nckit/nckit/internal/b64"
)

// DecryptStream decrypts exactly one native stream (binary or armored, detected) from r,
// writing only authenticated plaintext to dst as each record authenticates, and consumes
// exactly that stream's bytes (armored: through the END line's newline, CRLF accepted), so the
// caller can go on with the next message. It returns nil only after the END record; every
// failure wraps one of ErrWrongPassword, ErrCorrupt, ErrTruncated, ErrUnsupported, ErrLimit,
// or is a read or write error. Nothing is written before the password is verified.
func DecryptStream(r *bufio.Reader, dst io.Writer, password []byte) error {
	return decrypt(r, dst, password, Options{}, RecordsPerKey)
}

// DecryptLabeledStream is DecryptStream for streams written by NewLabeledWriter with label.
func DecryptLabeledStream(r *bufio.Reader, dst io.Writer, password []byte, label string) error {
	return decrypt(r, dst, password, Options{Label: label}, RecordsPerKey)
}

// Options are a decoder's choices beyond the format.
type Options struct {
	// Label is the context the stream was written with (NewLabeledWriter).
	Label string
	// Accept vets the header's Argon2id parameters after the format's ceilings and before
	// anything is allocated for or derived by Argon2id; its error matches ErrLimit too.
	Accept func(Params) error
	// Pace is told what the decoder awaits, so that a caller can bound the time each part
	// takes: "" when the header (a binary stream: its public part) has arrived; "the rest of
	// the header" once Argon2id has run and a binary stream's commitment is read, then "" when
	// it has arrived; "a record" when a record has begun to arrive, "" when it has arrived.
	Pace func(awaited string)
}

// Decrypt is DecryptStream with options.
func Decrypt(r *bufio.Reader, dst io.Writer, password []byte, o Options) error {
	return decrypt(r, dst, password, o, RecordsPerKey)
}

// source yields a stream's header and records, binary or armored.
type source interface {
	// header returns the raw header as far as it comes in one piece: the whole header of an
	// armored stream (one line), the public part (magic .. salt) of a binary one, whose
	// commitment comes after the sender's Argon2id run (FORMAT.md section 10).
	header() ([]byte, error)
	// record returns the next record (length field then body, length already checked
	// against the ceilings). partial reports an armored line cut off by EOF: any failure to
	// use it is then truncation, not corruption.
	record(n uint64) (rec []byte, partial bool, err error)
}

func decrypt(r *bufio.Reader, dst io.Writer, password []byte, o Options, perKey uint64) error {
	label := o.Label
	prefix, perr := r.Peek(PrefixLen)
	var src source
	switch {
	case len(prefix) == 0 && perr != nil && !errors.Is(perr, io.EOF):
		return fmt.Errorf("reading input: %w", perr)
	case len(prefix) == 0:
		return fmt.Errorf("%w: empty input", ErrTruncated)
	case bytes.HasPrefix(prefix, []byte(binaryMagicStr)):
		src = &binarySource{r: r}
	case bytes.HasPrefix(prefix, []byte(armorMagic)):
		src = &armorSource{r: r}
	default:
		return fmt.Errorf("%w: not an nckit native stream", ErrUnsupported)
	}
	pace := o.Pace
	if pace == nil {
		pace = func(string) {}
	}
	hb, err := src.header()
	if err != nil {
		return err
	}
	// The ceilings and the receiver's window are checked on the public part, before anything
	// is allocated for or derived by Argon2id; a binary stream's commitment is read only once
	// Argon2id has run, so that the two sides' derivations overlap (section 10).
	bin, partial := src.(*binarySource)
	var h *header
	if partial {
		h, err = parsePublic(hb)
	} else {
		h, err = parseHeader(hb)
	}
	if err != nil {
		return err
	}
	pace("")
	if o.Accept != nil {
		if err := o.Accept(h.params); err != nil {
			return refused{err}
		}
	}
	s, err := derive(password, h, label)
	if err != nil {
		return err
	}
	if partial {
		pace("the rest of the header")
		if hb, err = bin.commitment(hb); err != nil {
			return err
		}
		pace("")
		copy(h.commit[:], hb[pubLen:])
	}
	if o.Pace != nil {
		src = &pacedSource{source: src, r: r, pace: o.Pace}
	}
	s.perKey = perKey
	if subtle.ConstantTimeCompare(s.commit[:], h.commit[:]) != 1 {
		// The commitment covers the header too: a damaged salt or parameter fails here
		// exactly like another password, and nothing tells the two apart.
		if label != "" {
			return fmt.Errorf("%w, wrong label or corrupted header", ErrWrongPassword)
		}
		return fmt.Errorf("%w or corrupted header", ErrWrongPassword)
	}
	return s.decode(src, dst)
}

// decode opens src's records with s, writing each DATA record's plaintext once it
// authenticates, until the END record.
func (s *schedule) decode(src source, dst io.Writer) error {
	var total uint64
	for n := uint64(1); ; n++ {
		rec, partial, err := src.record(n)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("%w: input ended after %d records (%d bytes of plaintext) without an end record",
					ErrTruncated, n-1, total)
			}
			return err
		}
		aead, nonce, err := s.next()
		if err != nil {
			return err
		}
		inner, err := aead.Open(rec[2:2], nonce, rec[2:], rec[:2])
		if err != nil {
			if partial {
				return fmt.Errorf("%w: inside record %d", ErrTruncated, n)
			}
			return fmt.Errorf("%w: record %d failed authentication (tampered, reordered or damaged)", ErrCorrupt, n)
		}
		// Inner plaintext is data || type || zero padding: the type is the last non-zero byte.
		i := len(inner) - 1
		for i >= 0 && inner[i] == 0 {
			i--
		}
		if i < 0 {
			return fmt.Errorf("%w: record %d has no type", ErrCorrupt, n)
		}
		data := inner[:i]
		switch inner[i] {
		case typeData:
			if len(data) == 0 {
				return fmt.Errorf("%w: record %d is an empty data record", ErrCorrupt, n)
			}
			if _, err := dst.Write(data); err != nil {
				return fmt.Errorf("writing plaintext: %w", err)
			}
			total += uint64(len(data))
			if partial {
				return fmt.Errorf("%w: input ended inside the line after record %d", ErrTruncated, n)
			}
		case typeEnd:
			if len(data) != 0 {
				return fmt.Errorf("%w: end record %d carries data", ErrCorrupt, n)
			}
			return nil
		default:
			return fmt.Errorf("%w: record %d has unknown type %d", ErrCorrupt, n, inner[i])
		}
	}
}

// refused is an Accept error: its own text, and ErrLimit for errors.Is.
type refused struct{ error }

func (r refused) Unwrap() []error { return []error{r.error, ErrLimit} }

// pacedSource tells Pace when each record begins and ends to arrive.
type pacedSource struct {
	source
	r    *bufio.Reader
	pace func(string)
}

func (p *pacedSource) record(n uint64) ([]byte, bool, error) {
	if _, err := p.r.Peek(1); err == nil {
		p.pace("a record")
	}
	rec, partial, err := p.source.record(n)
	if err == nil {
		p.pace("")
	}
	return rec, partial, err
}

// checkLength applies the record length ceilings to the length field of record n.
func checkLength(l int, n uint64) error {
	if l > MaxBody {
		return fmt.Errorf("%w: record %d length %d exceeds the ceiling %d", ErrLimit, n, l, MaxBody)
	}
	if l < minBody {
		return fmt.Errorf("%w: record %d length %d is below the minimum %d", ErrCorrupt, n, l, minBody)
	}
	return nil
}

// readErr turns a short read into truncation and passes real I/O errors on.
func readErr(err error, where string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %s", ErrTruncated, where)
	}
	return fmt.Errorf("reading input: %w", err)
}

type binarySource struct {
	r   *bufio.Reader
	buf []byte
}

// header reads the public part of the header.
func (b *binarySource) header() ([]byte, error) {
	h := make([]byte, pubLen, HeaderLen)
	m := len(binaryMagicStr) + 1
	// Magic and version first, so another version is "unsupported", not "truncated".
	if n, err := io.ReadFull(b.r, h[:m]); err != nil {
		if _, perr := parseHeader(h[:n]); perr != nil && n > 0 {
			return nil, perr
		}
		return nil, readErr(err, "inside the header")
	}
	if _, err := parseHeader(h[:m]); errors.Is(err, ErrUnsupported) {
		return nil, err
	}
	if n, err := io.ReadFull(b.r, h[m:]); err != nil {
		return nil, readErr(err, fmt.Sprintf("inside the header (%d of %d bytes)", m+n, HeaderLen))
	}
	return h, nil
}

// commitment reads the commitment after the public part h.
func (b *binarySource) commitment(h []byte) ([]byte, error) {
	h = h[:HeaderLen]
	if n, err := io.ReadFull(b.r, h[pubLen:]); err != nil {
		return nil, readErr(err, fmt.Sprintf("inside the header (%d of %d bytes)", pubLen+n, HeaderLen))
	}
	return h, nil
}

func (b *binarySource) record(n uint64) ([]byte, bool, error) {
	if b.buf == nil {
		b.buf = make([]byte, 2+MaxBody)
	}
	if _, err := io.ReadFull(b.r, b.buf[:2]); err != nil {
		if err == io.EOF {
			return nil, false, io.EOF // clean cut between records: reported with counts
		}
		return nil, false, readErr(err, fmt.Sprintf("inside record %d", n))
	}
	l := int(binary.BigEndian.Uint16(b.buf))
	if err := checkLength(l, n); err != nil {
		return nil, false, err
	}
	if _, err := io.ReadFull(b.r, b.buf[2:2+l]); err != nil {
		return nil, false, readErr(err, fmt.Sprintf("inside record %d", n))
	}
	return b.buf[:2+l], false, nil
}

type armorSource struct {
	r    *bufio.Reader
	line []byte
	buf  []byte
	no   int // line number, for messages
}

// readLine reads one line of at most limit bytes (terminator included) and returns it without
// its "\n" or "\r\n". terminated is false when EOF cut the line; an empty unterminated line is
// io.EOF.
func (a *armorSource) readLine(limit int) (line []byte, terminated bool, err error) {
	a.no++
	a.line = a.line[:0]
	for {
		frag, err := a.r.ReadSlice('\n')
		if len(a.line)+len(frag) > limit {
			return nil, false, fmt.Errorf("%w: armored line %d is longer than %d bytes", ErrLimit, a.no, limit)
		}
		a.line = append(a.line, frag...)
		switch {
		case err == nil:
			l := a.line[:len(a.line)-1]
			if len(l) > 0 && l[len(l)-1] == '\r' {
				l = l[:len(l)-1]
			}
			return l, true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(a.line) == 0 {
				return nil, false, io.EOF
			}
			return a.line, false, nil
		default:
			return nil, false, fmt.Errorf("reading input: %w", err)
		}
	}
}

// decode is strict base64 (canonical padding bits) and refuses a stray "\r", which the Go
// decoder would otherwise skip, so one text has exactly one meaning.
func (a *armorSource) decode(line, dst []byte) ([]byte, error) {
	if bytes.IndexByte(line, '\r') >= 0 {
		return nil, fmt.Errorf("%w: armored line %d contains a carriage return", ErrCorrupt, a.no)
	}
	n, err := b64.DecodeStrict(dst, line)
	if err != nil {
		return nil, fmt.Errorf("%w: armored line %d is not valid base64", ErrCorrupt, a.no)
	}
	return dst[:n], nil
}

func (a *armorSource) header() ([]byte, error) {
	a.line = make([]byte, 0, MaxArmorLine)
	line, terminated, err := a.readLine(MaxArmorHeaderLine)
	if err != nil {
		return nil, err
	}
	h, err := a.decode(line, make([]byte, base64.StdEncoding.DecodedLen(len(line))))
	if err != nil {
		if !terminated {
			return nil, fmt.Errorf("%w: inside the armored header line", ErrTruncated)
		}
		return nil, err
	}
	if _, err := parseHeader(h); errors.Is(err, ErrUnsupported) || len(h) == HeaderLen {
		return h, nil // parseHeader runs again in decrypt, with ceilings
	}
	if !terminated {
		return nil, fmt.Errorf("%w: inside the armored header line", ErrTruncated)
	}
	return nil, fmt.Errorf("%w: armored header holds %d bytes, want %d", ErrCorrupt, len(h), HeaderLen)
}

func (a *armorSource) record(n uint64) ([]byte, bool, error) {
	if a.buf == nil {
		a.buf = make([]byte, base64.StdEncoding.DecodedLen(MaxArmorLine))
	}
	line, terminated, err := a.readLine(MaxArmorLine)
	if err != nil {
		return nil, false, err
	}
	rec, err := a.decode(line, a.buf)
	if err == nil && len(rec) < 2 {
		err = fmt.Errorf("%w: armored line %d is too short for a record", ErrCorrupt, a.no)
	}
	if err == nil {
		l := int(binary.BigEndian.Uint16(rec))
		if err = checkLength(l, n); err == nil && len(rec) != 2+l {
			err = fmt.Errorf("%w: armored line %d holds %d record bytes, its length field says %d",
				ErrCorrupt, a.no, len(rec)-2, l)
		}
	}
	if err != nil {
		if !terminated {
			return nil, false, fmt.Errorf("%w: inside record %d (armored line %d)", ErrTruncated, n, a.no)
		}
		return nil, false, err
	}
	return rec, !terminated, nil
}
