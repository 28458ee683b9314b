package native

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/nckit/nckit/internal/b64"
)

var errClosed = errors.New("native: write after close")

// WriteBatch is the most plaintext that one Write turns into a single dst.Write: batchRecords
// full records. A caller that reads its input in pieces of at most this size (ncenc does)
// makes one output write per read; a longer Write is cut into batches of that size. Sixteen
// records (262,448 bytes of output, 349,984 armored) make one copy into a pipe that ncenc and
// ncdec raise to 1 MiB, and wake the reader once per 256 KiB: fewer cost more switches between
// the four processes of a transfer (FORMAT.md section 14.5). The batch is the writer's only
// buffer: memory stays constant.
const (
	batchRecords = 16
	WriteBatch   = batchRecords * RecordSize
)

// NewWriter starts a native stream on dst: it derives the keys (one Argon2id run with cost p)
// and writes the header at once, so the receiver can check the password before any data; in
// binary form the header's public part is written before Argon2id runs and the commitment
// after, so that the receiver's Argon2id run overlaps this one.
// Every Write is then sealed and written at once as one or more records (full records of
// RecordSize bytes, then the rest), all of them with one dst.Write (a Write of more than
// WriteBatch bytes: one dst.Write per WriteBatch), with no buffering between Writes and no
// timer. Close writes the END record; it does not close dst. With armor, the header and each
// record are written as one base64 line each, and a dst.Write carries whole lines only.
func NewWriter(dst io.Writer, password []byte, p Params, armor bool) (io.WriteCloser, error) {
	return newWriter(dst, password, p, armor, "", rand.Reader)
}

// NewLabeledWriter is NewWriter with a context label bound into every key (at most 255
// bytes, not sent). A stream decrypts only with the same label: giving each direction of a
// conversation its own label stops a stream from being reflected back to its sender.
func NewLabeledWriter(dst io.Writer, password []byte, p Params, armor bool, label string) (io.WriteCloser, error) {
	return newWriter(dst, password, p, armor, label, rand.Reader)
}

// maxRecordLine is the longest armored record line the writer makes, newline included.
var maxRecordLine = base64.StdEncoding.EncodedLen(2+MaxBody) + 1

type writer struct {
	dst   io.Writer
	s     *schedule
	armor bool
	// out collects the records of one batch (binary, or armored lines), written with one
	// dst.Write. Its capacity is fixed at batchRecords full records: memory stays constant.
	out []byte
	rec []byte // armored only: length field + body of one record, before encoding
	err error  // sticky: once a record is lost, the stream cannot go on
}

func newWriter(dst io.Writer, password []byte, p Params, armor bool, label string, rnd io.Reader) (*writer, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if len(label) > 255 {
		return nil, fmt.Errorf("label is %d bytes, at most 255", len(label))
	}
	h := &header{params: p}
	if _, err := io.ReadFull(rnd, h.salt[:]); err != nil {
		return nil, fmt.Errorf("random salt: %w", err)
	}
	w := &writer{dst: dst, armor: armor}
	if armor {
		w.out = make([]byte, 0, batchRecords*maxRecordLine)
		w.rec = make([]byte, 2+MaxBody)
	} else {
		// The public part leaves before Argon2id runs, so that the receiver derives its keys
		// while this side does; the commitment follows at once after (FORMAT.md section 10).
		// An armored header is one line and cannot be cut: its public part ends inside a
		// base64 group.
		if _, err := dst.Write(h.marshal()[:pubLen]); err != nil {
			return nil, err
		}
		w.out = make([]byte, 0, batchRecords*(2+MaxBody))
	}
	s, err := derive(password, h, label)
	if err != nil {
		return nil, err
	}
	h.commit, w.s = s.commit, s
	// The header (binary: its commitment) goes out alone and at once, before the first Write.
	if armor {
		w.out = w.appendUnit(w.out, h.marshal())
	} else {
		w.out = append(w.out, h.commit[:]...)
	}
	if err := w.flush(); err != nil {
		return nil, err
	}
	return w, nil
}

// appendUnit appends one unit (header or record) to b, as a line when armored.
func (w *writer) appendUnit(b, unit []byte) []byte {
	if !w.armor {
		return append(b, unit...)
	}
	b = b64.AppendEncode(b, unit)
	return append(b, '\n')
}

// flush writes the batch collected in w.out with one dst.Write.
func (w *writer) flush() error {
	_, err := w.dst.Write(w.out)
	w.out = w.out[:0]
	if err != nil {
		w.err = err
	}
	return err
}

// seal seals data as one record of type typ and appends it to the batch.
func (w *writer) seal(data []byte, typ byte) error {
	aead, nonce, err := w.s.next()
	if err != nil {
		w.err = err
		return err
	}
	n := len(data)
	rec := w.rec
	if !w.armor {
		// Binary: sealed in place at the end of the batch, no copy after sealing.
		off := len(w.out)
		w.out = w.out[:off+3+n+tagLen]
		rec = w.out[off:]
	}
	binary.BigEndian.PutUint16(rec, uint16(n+1+tagLen))
	copy(rec[2:], data)
	rec[2+n] = typ
	aead.Seal(rec[2:2], nonce, rec[2:3+n], rec[:2])
	if w.armor {
		w.out = w.appendUnit(w.out, rec[:3+n+tagLen])
	}
	return nil
}

func (w *writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	written := 0
	for len(p) > 0 {
		batch := min(len(p), WriteBatch)
		for q := p[:batch]; len(q) > 0; {
			n := min(len(q), RecordSize)
			if err := w.seal(q[:n], typeData); err != nil {
				return written, err
			}
			q = q[n:]
		}
		if err := w.flush(); err != nil {
			return written, err
		}
		written += batch
		p = p[batch:]
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
	if err := w.flush(); err != nil {
		return err
	}
	w.err = errClosed
	return nil
}
