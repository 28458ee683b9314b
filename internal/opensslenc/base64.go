package opensslenc

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"github.com/nckit/nckit/internal/b64"
)

// ErrBase64 is returned for text that is not base64.
var ErrBase64 = errors.New("invalid base64")

// SaltedBase64 is how every salted message starts in base64: "Salted__" encoded.
const SaltedBase64 = "U2FsdGVkX1"

// lineWidth is the width openssl (and PEM) wrap base64 at.
const lineWidth = 64

// base64Writer encodes like openssl's base64 BIO: 64 characters and a newline per line,
// a newline after the last partial line, or with oneLine no newline at all (-A).
//
// It encodes whole lines (48 bytes) straight into one output buffer with their newlines
// and writes that once per Write; the bytes of a partial line wait in carry for the next
// Write or for Close. (encoding/base64's streaming encoder, through a line breaker, copied
// every byte twice more and wrote 1 KiB at a time.)
type base64Writer struct {
	w       io.Writer
	oneLine bool
	carry   [lineBytes]byte
	nc      int // bytes in carry
	buf     []byte
	err     error
}

// lineBytes is what one line of lineWidth characters encodes.
const lineBytes = lineWidth / 4 * 3

// writeLines is how many lines one write to the destination holds at most (about 32 KiB).
const writeLines = 512

func newBase64Writer(w io.Writer, oneLine bool) *base64Writer {
	return &base64Writer{w: w, oneLine: oneLine}
}

func (b *base64Writer) Write(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n := len(p)
	done := 0 // bytes of p whose text has been written
	if b.nc > 0 {
		k := copy(b.carry[b.nc:], p)
		b.nc += k
		p = p[k:]
		if b.nc < lineBytes {
			return n, nil
		}
		b.buf = b.appendLine(b.buf[:0], b.carry[:])
		b.nc = 0
	}
	for {
		k := min(len(p)/lineBytes, writeLines-len(b.buf)/(lineWidth+1))
		for range k {
			b.buf = b.appendLine(b.buf, p[:lineBytes])
			p = p[lineBytes:]
		}
		if err := b.flush(); err != nil {
			return done, err
		}
		done = n - len(p)
		if len(p) < lineBytes {
			break
		}
	}
	b.nc = copy(b.carry[:], p)
	return n, nil
}

// appendLine appends the encoding of one whole line's bytes, with its newline unless oneLine.
func (b *base64Writer) appendLine(dst, line []byte) []byte {
	dst = b64.AppendEncode(dst, line)
	if !b.oneLine {
		dst = append(dst, '\n')
	}
	return dst
}

func (b *base64Writer) flush() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	if err != nil {
		b.err = err
	}
	return err
}

// Close writes the last partial line, padded, and its newline; it does not close the
// destination.
func (b *base64Writer) Close() error {
	if b.err != nil {
		return b.err
	}
	if b.nc > 0 {
		b.buf = b.appendLine(b.buf[:0], b.carry[:b.nc])
		b.nc = 0
	}
	return b.flush()
}

var decodeMap = func() (m [256]byte) {
	for i := range m {
		m[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		m[alphabet[i]] = byte(i)
	}
	return m
}()

// base64Reader decodes one base64 message from a shared bufio.Reader and stops exactly
// at its end, so that the next message can be read from the same reader. It is liberal
// where openssl is fragile: any line width, CR LF, blank lines, spaces, no final newline,
// one long line, missing padding at the very end.
//
// With split set, the message also ends
//   - after its '=' padding;
//   - where the text continues with "U2FsdGVkX1" at a quantum boundary (a new salted
//     message, on its own line or glued to the previous one as -A output is), or with
//     another format's start given in Options.TextStarts;
//   - at the end of a line shorter than the lines before it (the last line of a wrapped
//     message);
//   - when align > 0, at the end of a first line shorter than openssl's 64 columns whose
//     decoded length is a multiple of align: a whole one-line message. A writer wrapping
//     narrower than 64 never produces such a first line, since 3w/4 is then below 48 and
//     not a multiple of 16, so this cannot cut a longer message;
//
// These let a message's plaintext be released as soon as the message is complete, without
// waiting for the next one or for EOF. One case has no such sign: a one-line chat message of
// 16 to 31 bytes is exactly one full 64-column line, like the first line of any longer
// message. When the text so far is exactly that line and nothing more has arrived yet (the
// newline is the last byte buffered), onPause is called before reading on: the decryptor may
// then write what it can (the plaintext without what looks like padding) but the message does
// not end there. What comes next decides, as without the pause: more text continues the same
// message, a marker or EOF ends it. So a pause never changes what is decrypted, whatever the
// data; longer messages are released at their padding, short line, next message or EOF.
type base64Reader struct {
	br    *bufio.Reader
	split bool
	align int

	quad    [4]byte
	nq      int   // characters in quad
	eq      int   // '=' seen in the current quantum
	nchars  int64 // base64 characters consumed
	decoded int64 // bytes decoded
	lineLen int   // characters on the current line
	width   int   // length of the first line, once ended by a newline
	out     []byte
	off     int
	done    bool
	err     error
	// onPause, if set, is called when the text so far is one full line and nothing more has
	// arrived yet (paused says so), before reading on; its error ends the message.
	onPause func() error
	paused  bool
	// markers are the texts that start the next message at a quantum boundary.
	markers []string
	// lineMarkers are how decodeLines finds them.
	lineMarkers []lineMarker
	// byteLoop, for tests, turns fast paths off: 1 decodeLines, 2 decodeRun as well, leaving
	// the byte-at-a-time loop that they must agree with.
	byteLoop int
}

func newBase64Reader(br *bufio.Reader, split bool, align int, more []string) *base64Reader {
	markers := []string{SaltedBase64}
	for _, m := range more {
		if m != "" && len(m) <= maxMarker {
			markers = append(markers, m)
		}
	}
	return &base64Reader{br: br, split: split, align: align, markers: markers, lineMarkers: newLineMarkers(markers),
		out: make([]byte, 0, 32*1024)}
}

func (r *base64Reader) Read(p []byte) (int, error) {
	for r.off == len(r.out) {
		if r.done {
			return 0, r.err
		}
		if r.paused {
			r.paused = false
			if r.onPause != nil {
				if err := r.onPause(); err != nil {
					r.finish(err)
					return 0, err
				}
			}
		}
		r.out, r.off = r.out[:0], 0
		r.fill()
	}
	n := copy(p, r.out[r.off:])
	r.off += n
	return n, nil
}

func (r *base64Reader) finish(err error) {
	r.done = true
	r.err = err
}

// fill decodes what the bufio.Reader holds (reading more only when it holds nothing) into
// r.out, or ends the message.
func (r *base64Reader) fill() {
	buf, err := r.br.Peek(1)
	if len(buf) == 0 {
		if err != io.EOF {
			r.finish(err)
			return
		}
		switch {
		case r.nq == 1:
			r.finish(fmt.Errorf("%w: input ends in the middle of a quantum", ErrBase64))
		case r.nq > 1:
			r.emit()
			r.finish(io.EOF)
		default:
			r.finish(io.EOF)
		}
		return
	}
	buf, _ = r.br.Peek(r.br.Buffered())
	i := 0
	defer func() { _, _ = r.br.Discard(i) }()
	for ; i < len(buf) && len(r.out)+3 <= cap(r.out); i++ {
		if r.nq == 0 && r.eq == 0 && r.lineLen == 0 && r.byteLoop < 1 {
			if n := r.decodeLines(buf[i:]); n > 0 {
				i += n - 1 // and the loop adds one
				continue
			}
		}
		if r.nq == 0 && r.eq == 0 && r.byteLoop < 2 {
			if n := r.decodeRun(buf[i:]); n > 0 {
				i += n - 1 // and the loop adds one
				continue
			}
		}
		c := buf[i]
		switch c {
		case '\n':
			if r.lineLen > 0 && r.split && r.endsAtNewline() {
				i++
				r.finish(io.EOF)
				return
			}
			if r.split && r.nchars == lineWidth && r.lineLen == lineWidth && r.nq == 0 && r.eq == 0 &&
				i+1 == len(buf) && r.br.Buffered() == len(buf) {
				// One full line, then nothing yet: let the decryptor show it (see onPause).
				r.paused = true
				r.lineLen = 0
				i++
				return
			}
			r.lineLen = 0
			continue
		case '\r', ' ', '\t', '\f', '\v':
			continue
		case '=':
			if r.nq < 2 {
				r.finish(fmt.Errorf("%w: misplaced '='", ErrBase64))
				return
			}
			r.eq++
			r.nchars++
			r.lineLen++
			if r.nq+r.eq == 4 {
				i++
				r.emit()
				r.finish(io.EOF) // padding ends the message
				return
			}
			continue
		}
		v := decodeMap[c]
		if v == 0xff {
			r.finish(fmt.Errorf("%w: unexpected byte 0x%02x", ErrBase64, c))
			return
		}
		if r.eq > 0 {
			r.finish(fmt.Errorf("%w: data after '='", ErrBase64))
			return
		}
		if r.split && r.nq == 0 && r.nchars > 0 && r.startsMarker(c) {
			// Decide with what is buffered when it already differs from every marker;
			// wait for more only while it could still be one.
			if r.undecided(buf[i:]) {
				if i > 0 {
					return // consume what came before, then look again with more data
				}
				buf, err = r.br.Peek(maxMarker)
				if len(buf) < maxMarker && err != io.EOF && err != nil {
					r.finish(err)
					return
				}
			}
			if r.marker(buf[i:]) {
				r.finish(io.EOF) // the next message starts here
				return
			}
		}
		r.quad[r.nq] = v
		r.nq++
		r.nchars++
		r.lineLen++
		if r.nq == 4 {
			r.emit()
		}
	}
}

// maxMarker is the longest text that can start a message (SaltedBase64 or a marker given
// in Options.TextStarts, which must not be longer).
const maxMarker = len(SaltedBase64)

func (r *base64Reader) startsMarker(c byte) bool {
	for _, m := range r.markers {
		if m[0] == c {
			return true
		}
	}
	return false
}

// marker reports whether b starts with a marker.
func (r *base64Reader) marker(b []byte) bool {
	for _, m := range r.markers {
		if len(b) >= len(m) && string(b[:len(m)]) == m {
			return true
		}
	}
	return false
}

// undecided reports whether b, all that is buffered, is a proper prefix of a marker.
func (r *base64Reader) undecided(b []byte) bool {
	for _, m := range r.markers {
		if len(b) < len(m) && string(b) == m[:len(b)] {
			return true
		}
	}
	return false
}

// decodeRun is the fast path of fill: at a quantum boundary it decodes whole quanta from
// the start of b in one call. It stops short of anything that needs the careful path: the
// end of the run of base64 characters and the few before it (where a marker could straddle
// the end of what is buffered), a marker at a quantum boundary, and the end of room in r.out.
func (r *base64Reader) decodeRun(b []byte) int {
	j := 0
	for j < len(b) && decodeMap[b[j]] != 0xff {
		j++
	}
	// Every quantum start p < n then has the marker's length of characters at hand.
	n := min(j-(maxMarker-4), (cap(r.out)-len(r.out))/3*4) / 4 * 4
	if n <= 0 {
		return 0
	}
	if r.split {
		for p := 0; p < n; p += 4 {
			if (p > 0 || r.nchars > 0) && r.startsMarker(b[p]) && r.marker(b[p:]) {
				n = p
				break
			}
		}
		if n == 0 {
			return 0
		}
	}
	m := n / 4 * 3
	if _, err := b64.Decode(r.out[len(r.out):len(r.out)+m], b[:n]); err != nil {
		return 0 // cannot happen: b[:n] is whole quanta of the alphabet; the careful path decides
	}
	r.out = r.out[:len(r.out)+m]
	r.decoded += int64(m)
	r.nchars += int64(n)
	r.lineLen += n
	return n
}

// decodeLines is the fast path of fill at the start of a line: it decodes the run of lines
// at the start of b that the byte loop would take as the plain middle of a message, one
// b64.Decode call per line (encoding/base64's results, faster), and returns how many bytes
// it consumed, newlines included.
// decodeRun alone stops 6 characters before every line end and leaves those and the newline
// to the byte loop; this halves ncdec's user time on wrapped input.
//
// A line qualifies when it is w characters of the alphabet and a bare newline, w a multiple
// of 4, so that every line starts at a quantum boundary and nothing is left over. With
// split, w is the width of the message's first line: such a line does not end the message
// (only a shorter one does) and, the first line being past, cannot pause it. What remains
// of the byte loop's checks is the marker of a next message at each quantum boundary, and
// the run stops before the line where it could be. Every boundary in a line has the rest of
// its quantum and the newline after it in b, so a marker that matches there, or that the
// loop would wait for more text to decide, has its first quantum there: the decoded form of
// that quantum is then in the line's decoded bytes (see newLineMarkers). Anything else (CR
// LF, spaces, '=', a line of another width, a byte outside the alphabet, a partial line, a
// line that would overfill r.out) ends the run and is left to the byte loop, which decides
// it as before.
func (r *base64Reader) decodeLines(b []byte) int {
	w := r.width
	if !r.split {
		// Lines only separate characters: any run of lines of one width will do.
		w = bytes.IndexByte(b, '\n')
	}
	if w <= 0 || w%4 != 0 {
		return 0
	}
	per := w / 4 * 3
	k := min(len(b)/(w+1), (cap(r.out)-len(r.out))/per)
	if k <= 0 {
		return 0
	}
	// Decode does the rest of the check: it skips CR and LF, stops at a byte outside the
	// alphabet and shortens its output at '=', so a line that is not w characters of the
	// alphabet gives an error or fewer than per bytes. It gets the room up to cap(r.out):
	// with less than 8 bytes to spare it decodes the last quantum the slow way.
	start := len(r.out)
	for j := 0; j < k; j++ {
		line := b[j*(w+1) : j*(w+1)+w+1]
		if line[w] != '\n' {
			k = j
			break
		}
		if n, err := b64.Decode(r.out[len(r.out):cap(r.out)], line[:w]); err != nil || n != per {
			k = j
			break
		}
		r.out = r.out[:len(r.out)+per]
	}
	if r.split && k > 0 {
		for _, m := range r.lineMarkers {
			if m.raw {
				if q := bytes.Index(b[:k*(w+1)], m.text); q >= 0 {
					k = min(k, q/(w+1))
				}
			} else if q := bytes.Index(r.out[start:], m.text); q >= 0 {
				k = min(k, q/per)
			}
		}
		r.out = r.out[:start+k*per]
	}
	r.decoded += int64(k * per)
	r.nchars += int64(k * w)
	return k * (w + 1)
}

// lineMarker is what decodeLines looks for to find a marker in a run of lines.
type lineMarker struct {
	text []byte
	raw  bool // text is searched in the base64 text, not in the decoded bytes
}

// newLineMarkers prepares decodeLines' search. A marker that starts at a quantum boundary
// of a line of the alphabet has its first quanta in that line, up to its first byte outside
// the alphabet, and their decoded form in the line's decoded bytes. That is where it is
// looked for: the first byte of the pattern turns up once in 256 bytes there rather than once
// in 64 characters of the text, so bytes.Index checks far fewer candidates. A marker shorter
// than a quantum is looked for in the text; one whose first quantum is not all of the
// alphabet cannot be at such a boundary.
func newLineMarkers(markers []string) []lineMarker {
	var lm []lineMarker
	for _, m := range markers {
		n := 0
		for n < len(m) && decodeMap[m[n]] != 0xff {
			n++
		}
		switch {
		case len(m) < 4 && n == len(m):
			lm = append(lm, lineMarker{text: []byte(m), raw: true})
		case n >= 4:
			n = n / 4 * 4
			d, _ := base64.StdEncoding.DecodeString(m[:n])
			lm = append(lm, lineMarker{text: d})
		}
	}
	return lm
}

// endsAtNewline decides, at the end of a non-empty line, whether the message ends there.
func (r *base64Reader) endsAtNewline() bool {
	if r.nq != 0 || r.eq != 0 {
		return false
	}
	if r.width == 0 {
		r.width = r.lineLen
		return r.align > 0 && r.lineLen < lineWidth && r.decoded%int64(r.align) == 0
	}
	return r.lineLen < r.width
}

func (r *base64Reader) emit() {
	q := r.quad
	b := [3]byte{q[0]<<2 | q[1]>>4, q[1]<<4 | q[2]>>2, q[2]<<6 | q[3]}
	n := r.nq - 1
	if r.nq == 4 {
		n = 3
	}
	r.out = append(r.out, b[:n]...)
	r.decoded += int64(n)
	r.quad = [4]byte{}
	r.nq, r.eq = 0, 0
}
