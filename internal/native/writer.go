package native

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

var errClosed = errors.New("native: write after close")

// NewWriter starts a native stream on dst: it derives the keys (one Argon2id run with cost p)
// and writes the header at once, so the receiver can check the password before any data.
// Every Write is then sealed and written at once as one or more records (full records of
// RecordSize bytes, then the rest), one dst.Write per record, with no buffering and no timer.
// Close writes the END record; it does not close dst. With armor, the header and each record
// are written as one base64 line each.
func NewWriter(dst io.Writer, password []byte, p Params, armor bool) (io.WriteCloser, error) {
	return newWriter(dst, password, p, armor, "", rand.Reader)
}

// NewLabeledWriter is NewWriter with a context label bound into every key (at most 255
// bytes, not sent). A stream decrypts only with the same label: giving each direction of a
// conversation its own label stops a stream from being reflected back to its sender.
func NewLabeledWriter(dst io.Writer, password []byte, p Params, armor bool, label string) (io.WriteCloser, error) {
	return newWriter(dst, password, p, armor, label, rand.Reader)
}

type writer struct {
	dst   io.Writer
	s     *schedule
	armor bool
	rec   []byte // length field + body of one record
	line  []byte // armored line of one record
	err   error  // sticky: once a record is lost, the stream cannot go on
}

func newWriter(dst io.Writer, password []byte, p Params, armor bool, label string, rnd io.Reader) (*writer, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	h := &header{params: p}
	if _, err := io.ReadFull(rnd, h.salt[:]); err != nil {
		return nil, fmt.Errorf("random salt: %w", err)
	}
	s, err := derive(password, h, label)
	if err != nil {
		return nil, err
	}
	h.commit = s.commit
	w := &writer{dst: dst, s: s, armor: armor, rec: make([]byte, 2+MaxBody)}
	if armor {
		w.line = make([]byte, base64.StdEncoding.EncodedLen(2+MaxBody)+1)
	}
	if err := w.emit(h.marshal()); err != nil {
		return nil, err
	}
	return w, nil
}

// emit writes one unit (header or record) with a single dst.Write, as a line when armored.
func (w *writer) emit(b []byte) error {
	if w.armor {
		n := base64.StdEncoding.EncodedLen(len(b))
		line := w.line[:n+1]
		if n+1 > len(w.line) { // only the header, which is shorter than any full record line
			line = make([]byte, n+1)
		}
		base64.StdEncoding.Encode(line, b)
		line[n] = '\n'
		b = line
	}
	if _, err := w.dst.Write(b); err != nil {
		w.err = err
		return err
	}
	return nil
}

// seal seals data as one record of type typ and writes it.
func (w *writer) seal(data []byte, typ byte) error {
	aead, nonce, err := w.s.next()
	if err != nil {
		w.err = err
		return err
	}
	n := len(data)
	binary.BigEndian.PutUint16(w.rec, uint16(n+1+tagLen))
	copy(w.rec[2:], data)
	w.rec[2+n] = typ
	aead.Seal(w.rec[2:2], nonce, w.rec[2:3+n], w.rec[:2])
	return w.emit(w.rec[:3+n+tagLen])
}

func (w *writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	written := 0
	for len(p) > 0 {
		n := min(len(p), RecordSize)
		if err := w.seal(p[:n], typeData); err != nil {
			return written, err
		}
		written += n
		p = p[n:]
	}
	return written, nil
}

// Close writes the END record, the proof that the stream ended where the writer meant it to.
func (w *writer) Close() error {
	if w.err != nil {
		if w.err == errClosed {
			return nil
		}
		return w.err
	}
	if err := w.seal(nil, typeEnd); err != nil {
		return err
	}
	w.err = errClosed
	return nil
}
