package opensslenc

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/nckit/nckit/internal/native"
)

// The fast paths of base64Reader (decodeLines, decodeRun) must be invisible: whatever the
// text and however it arrives, a reader with them gives the same bytes, errors, pauses and
// message ends as the byte-at-a-time loop. These tests generate texts that go near every
// decision the loop makes (line widths, markers at and off quantum boundaries and across
// buffer ends, CR LF, '=', stray bytes, several messages, an armored native stream after an
// openssl message) and compare.

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// nativeMarker is how encdec's TextStarts name an armored native stream.
const nativeMarker = "nckitENC"

// b64Corpus holds real texts to build inputs from, made once.
var b64Corpus = sync.OnceValue(func() (c struct{ openssl, native [][]byte }) {
	for i, n := range []int{0, 1, 15, 16, 17, 31, 32, 47, 48, 100, 1000, 5000, 70000} {
		for _, name := range []string{"aes-256-cbc", "chacha20"} {
			o := opts(name, true)
			o.OneLine = i%3 == 0
			var b bytes.Buffer
			if err := Encrypt(&b, bytes.NewReader(pattern(n)), o); err != nil {
				panic(err)
			}
			c.openssl = append(c.openssl, b.Bytes())
		}
	}
	for _, n := range []int{0, 40, 3000} {
		var b bytes.Buffer
		w, err := native.NewWriter(&b, []byte("pw"), native.Params{Time: 1, MemoryKiB: 8, Threads: 1}, true)
		if err != nil {
			panic(err)
		}
		if _, err := w.Write(pattern(n)); err != nil {
			panic(err)
		}
		if err := w.Close(); err != nil {
			panic(err)
		}
		c.native = append(c.native, b.Bytes())
	}
	return c
})

// specials are what the loop treats specially, as whole texts or parts of one.
var specials = []string{
	"=", "==", "\r", "\r\n", "\n", "\n\n", " ", "\t", "\f", "\v", "!", "\x00", "\xff", "-", "_",
	SaltedBase64, SaltedBase64[:9], SaltedBase64[:4], SaltedBase64[:1], nativeMarker, nativeMarker[:5], nativeMarker[:1],
	"Zm9v", "AB", "a!b", "AAAA\nA", // the other markers newB64Run may pick
}

// genB64 makes an input from a seed: a few messages, synthetic or real, in varied shapes,
// with a few bytes then changed.
func genB64(seed int64) []byte {
	rng := rand.New(rand.NewSource(seed))
	c := b64Corpus()
	var b []byte
	for parts := 1 + rng.Intn(4); parts > 0; parts-- {
		switch rng.Intn(8) {
		case 0, 1, 2:
			b = appendWrapped(rng, b)
		case 3:
			b = append(b, reshapeB64(rng, c.openssl[rng.Intn(len(c.openssl))])...)
		case 4:
			b = append(b, c.native[rng.Intn(len(c.native))]...)
		case 5:
			b = append(b, specials[rng.Intn(len(specials))]...)
		case 6: // -A: one line, maybe padded, maybe glued to what follows
			b = appendChars(rng, b, rng.Intn(300))
			b = append(b, []string{"", "=", "==", "\n", "=\n"}[rng.Intn(5)]...)
		case 7: // a message that starts like a salted one
			b = append(b, SaltedBase64...)
			b = appendWrapped(rng, b)
		}
	}
	for n := rng.Intn(4); n > 0 && len(b) > 0; n-- {
		s := specials[rng.Intn(len(specials))]
		i := rng.Intn(len(b))
		if rng.Intn(2) == 0 { // replace
			b = append(b[:i], append([]byte(s), b[min(len(b), i+len(s)):]...)...)
		} else {
			b = append(b[:i], append([]byte(s), b[i:]...)...)
		}
	}
	return b
}

func appendChars(rng *rand.Rand, b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, b64Alphabet[rng.Intn(64)])
	}
	return b
}

// appendWrapped appends lines mostly of one width, with now and then a line of another
// width, a marker or part of one at or off a quantum boundary, a CR, '=' or a space, and
// a shorter last line, maybe padded, maybe without its newline.
func appendWrapped(rng *rand.Rand, b []byte) []byte {
	widths := []int{64, 64, 64, 76, 60, 48, 4, 8, 16, 63, 65, 66, 1 + rng.Intn(100)}
	w := widths[rng.Intn(len(widths))]
	lines := rng.Intn(40)
	if rng.Intn(4) == 0 {
		lines = rng.Intn(3000) // past a buffer or two
	}
	odd := 1 + rng.Intn(200) // one line in odd has something unusual
	for i := 0; i < lines; i++ {
		n := w
		if rng.Intn(odd) == 0 {
			n = widths[rng.Intn(len(widths))] + rng.Intn(3) - 1
		}
		line := appendChars(rng, nil, max(n, 0))
		if rng.Intn(odd) == 0 && len(line) > 0 {
			s := specials[rng.Intn(len(specials))]
			at := rng.Intn(len(line))
			if rng.Intn(2) == 0 {
				at = at / 4 * 4
			}
			line = append(line[:at], append([]byte(s), line[at:]...)...)
			line = line[:max(n, len(s))]
		}
		b = append(b, line...)
		if rng.Intn(odd) == 0 {
			b = append(b, []string{"\r\n", "", "\n\n", " \n", "\n\r\n"}[rng.Intn(5)]...)
		} else {
			b = append(b, '\n')
		}
	}
	last := rng.Intn(w + 1)
	b = appendChars(rng, b, last)
	switch rng.Intn(4) {
	case 0:
		b = append(b, "="...)
	case 1:
		b = append(b, "=="...)
	}
	if rng.Intn(5) > 0 {
		b = append(b, '\n')
	}
	return b
}

// reshapeB64 rewrites a real message as other writers wrap it.
func reshapeB64(rng *rand.Rand, b []byte) []byte {
	s := string(b)
	switch rng.Intn(6) {
	case 0:
		s = rewrap(s, []int{4, 48, 60, 76, 1 + rng.Intn(120)}[rng.Intn(5)])
	case 1:
		s = reshapes["crlf"](s)
	case 2:
		s = reshapes["no final nl"](s)
	}
	return []byte(s)
}

// b64Run is how an input is fed: reader, buffer and read sizes.
type b64Run struct {
	split   bool
	align   int
	more    []string
	bufSize int
	chunks  int // 0 whole, 1 one byte, 2 half, 3 random sizes, 4 data with EOF, 5 an error at the end
	seed    int64
}

func (c b64Run) String() string {
	return fmt.Sprintf("split=%v align=%d more=%q buf=%d chunks=%d seed=%d", c.split, c.align, c.more, c.bufSize, c.chunks, c.seed)
}

func newB64Run(rng *rand.Rand) b64Run {
	c := b64Run{
		split:   rng.Intn(4) > 0,
		bufSize: []int{16, 64, 100, 4096, 64 * 1024}[rng.Intn(5)],
		chunks:  rng.Intn(6),
		seed:    rng.Int63(),
	}
	if rng.Intn(2) == 0 {
		c.align = 16
	}
	// encdec's marker mostly; now and then ones that take decodeLines' other ways: a marker
	// shorter than a quantum, one not of the alphabet, one across a newline.
	c.more = [][]string{{nativeMarker}, {nativeMarker}, {nativeMarker}, nil, {nativeMarker, "Zm9v"}, {"AB"}, {"a!b"}, {"AAAA\nA"}}[rng.Intn(8)]
	return c
}

// randomReader returns reads of random sizes.
type randomReader struct {
	r   io.Reader
	rng *rand.Rand
}

func (r *randomReader) Read(p []byte) (int, error) {
	return r.r.Read(p[:min(len(p), 1+r.rng.Intn(200))])
}

var errTransport = errors.New("transport failed")

func (c b64Run) source(input []byte) io.Reader {
	r := io.Reader(bytes.NewReader(input))
	switch c.chunks {
	case 1:
		r = iotest.OneByteReader(r)
	case 2:
		r = iotest.HalfReader(r)
	case 3:
		r = &randomReader{r, rand.New(rand.NewSource(c.seed))}
	case 4:
		r = iotest.DataErrReader(r)
	case 5:
		r = io.MultiReader(&randomReader{r, rand.New(rand.NewSource(c.seed))}, iotest.ErrReader(errTransport))
	}
	return r
}

// countingReader counts what the bufio.Reader took, so that where a message ended is known.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// b64Message is all that can be seen of one message.
type b64Message struct {
	out    []byte
	pauses []int // len(out) at each pause
	err    string
	end    int64 // input offset after the message
}

// readB64 reads messages one after another from input as a decryptor would, until an error,
// the end of the input or, without split, the first message's end.
func readB64(input []byte, c b64Run, byteLoop int) []b64Message {
	cr := &countingReader{r: c.source(input)}
	br := bufio.NewReaderSize(cr, c.bufSize)
	rng := rand.New(rand.NewSource(c.seed))
	p := make([]byte, 1<<16)
	var msgs []b64Message
	for {
		if _, err := br.Peek(1); err != nil {
			if err != io.EOF {
				msgs = append(msgs, b64Message{err: err.Error()})
			}
			return msgs
		}
		r := newBase64Reader(br, c.split, c.align, c.more)
		r.byteLoop = byteLoop
		var m b64Message
		r.onPause = func() error {
			m.pauses = append(m.pauses, len(m.out))
			return nil
		}
		for {
			n, err := r.Read(p[:1+rng.Intn(len(p))])
			m.out = append(m.out, p[:n]...)
			if err != nil {
				if err != io.EOF {
					m.err = err.Error()
				}
				break
			}
		}
		m.end = cr.n - int64(br.Buffered())
		msgs = append(msgs, m)
		if m.err != "" || !c.split || len(msgs) > 1 && m.end == msgs[len(msgs)-2].end {
			return msgs
		}
	}
}

func diffB64(a, b []b64Message) string {
	for i := range max(len(a), len(b)) {
		if i >= len(a) || i >= len(b) {
			return fmt.Sprintf("%d messages against %d", len(a), len(b))
		}
		x, y := a[i], b[i]
		switch {
		case !bytes.Equal(x.out, y.out):
			return fmt.Sprintf("message %d: %d bytes against %d, first difference at %d", i, len(x.out), len(y.out), firstDiff(x.out, y.out))
		case x.err != y.err:
			return fmt.Sprintf("message %d: error %q against %q", i, x.err, y.err)
		case x.end != y.end:
			return fmt.Sprintf("message %d: ends at %d against %d", i, x.end, y.end)
		case fmt.Sprint(x.pauses) != fmt.Sprint(y.pauses):
			return fmt.Sprintf("message %d: pauses %v against %v", i, x.pauses, y.pauses)
		}
	}
	return ""
}

func firstDiff(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// checkB64 compares the reader with all fast paths, without decodeLines and with neither.
func checkB64(t *testing.T, input []byte, c b64Run) {
	t.Helper()
	want := readB64(input, c, 2)
	for _, level := range []int{0, 1} {
		if d := diffB64(readB64(input, c, level), want); d != "" {
			t.Fatalf("fast paths (byteLoop=%d) differ from the byte loop: %s\n%v\ninput %d bytes: %q", level, d, c, len(input), clip(input))
		}
	}
}

func clip(b []byte) []byte {
	if len(b) > 2000 {
		return b[:2000]
	}
	return b
}

// decryptB64 decrypts input as ncdec does: messages one after another, whitespace between
// them skipped, until an error or the start of an armored native stream.
func decryptB64(input []byte, c b64Run, byteLoop int, name string) []b64Message {
	o := opts(name, true)
	o.TextStarts = []string{nativeMarker}
	cr := &countingReader{r: c.source(input)}
	br := bufio.NewReaderSize(cr, max(c.bufSize, 16))
	var msgs []b64Message
	for len(msgs) < 100 {
		for {
			b, err := br.Peek(1)
			if err != nil {
				if err != io.EOF {
					msgs = append(msgs, b64Message{err: err.Error()})
				}
				return msgs
			}
			if !strings.Contains(" \t\r\n", string(b)) {
				break
			}
			_, _ = br.Discard(1)
		}
		if b, _ := br.Peek(len(nativeMarker)); string(b) == nativeMarker {
			return append(msgs, b64Message{err: "native", end: cr.n - int64(br.Buffered())})
		}
		var out bytes.Buffer
		err := decrypt(br, &out, o, byteLoop)
		m := b64Message{out: out.Bytes(), end: cr.n - int64(br.Buffered())}
		if err != nil {
			m.err = err.Error()
		}
		msgs = append(msgs, m)
		if err != nil {
			return msgs
		}
	}
	return msgs
}

// genMessages makes an input of real messages, reshaped, maybe followed by a native stream,
// maybe with a few bytes changed: something Decrypt gets far into.
func genMessages(seed int64) []byte {
	rng := rand.New(rand.NewSource(seed))
	c := b64Corpus()
	var b []byte
	for n := 1 + rng.Intn(4); n > 0; n-- {
		b = append(b, reshapeB64(rng, c.openssl[rng.Intn(len(c.openssl))])...)
	}
	if rng.Intn(3) == 0 {
		b = append(b, c.native[rng.Intn(len(c.native))]...)
	}
	for n := rng.Intn(3); n > 0; n-- {
		s := specials[rng.Intn(len(specials))]
		i := rng.Intn(len(b))
		b = append(b[:i], append([]byte(s), b[i:]...)...)
	}
	return b
}

func checkDecrypt(t *testing.T, input []byte, c b64Run) {
	t.Helper()
	for _, name := range []string{"aes-256-cbc", "chacha20"} {
		want := decryptB64(input, c, 2, name)
		if d := diffB64(decryptB64(input, c, 0, name), want); d != "" {
			t.Fatalf("%s: Decrypt with fast paths differs from the byte loop: %s\n%v\ninput %d bytes: %q", name, d, c, len(input), clip(input))
		}
	}
}

func TestBase64FastPathsAgree(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 200
	}
	rng := rand.New(rand.NewSource(1))
	for i := range n {
		checkB64(t, genB64(int64(i)), newB64Run(rng))
		if i%4 == 0 {
			checkDecrypt(t, genMessages(int64(i)), newB64Run(rng))
		}
	}
}

// The cases the fast path must leave to the loop, each at a line start, mid-line at a
// quantum boundary and off one, in a run of full lines long enough for decodeLines.
func TestBase64FastPathsAgreeAtEdges(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	full := func(n int) string { return string(appendChars(rng, nil, n)) }
	for _, w := range []int{64, 76, 8} {
		for _, s := range specials {
			for _, at := range []int{0, 4, 5, w - 4, w - 1} {
				for _, split := range []bool{true, false} {
					var b strings.Builder
					b.WriteString(SaltedBase64 + full(w-len(SaltedBase64)+w%4) + "\n")
					for range 30 {
						b.WriteString(full(w) + "\n")
					}
					line := full(w)
					b.WriteString(line[:min(at, len(line))] + s + line[min(at, len(line)):] + "\n")
					for range 30 {
						b.WriteString(full(w) + "\n")
					}
					b.WriteString(full(w/2) + "\n")
					for _, bufSize := range []int{16, 4096} {
						for _, chunks := range []int{0, 1, 3} {
							c := b64Run{split: split, align: 16, more: []string{nativeMarker}, bufSize: bufSize, chunks: chunks, seed: int64(at)}
							checkB64(t, []byte(b.String()), c)
						}
					}
				}
			}
		}
	}
}

// FuzzBase64FastPaths: a generated input (seed), changed by the fuzzer (edits: pairs of a
// position and a byte, or raw text), fed in the way run picks.
func FuzzBase64FastPaths(f *testing.F) {
	f.Add(int64(0), uint16(0), []byte(nil))
	f.Add(int64(7), uint16(0x1ff), []byte("\x10=\x20\r"))
	f.Add(int64(3), uint16(0x8000), []byte("U2FsdGVkX18BAgMEBQYHCCWbY7FIhngK362plwjA/Xs=\nnckitENC\n"))
	f.Fuzz(func(t *testing.T, seed int64, run uint16, edits []byte) {
		var input []byte
		switch {
		case run&0x8000 != 0:
			input = edits
		case run&0x4000 != 0:
			input = genMessages(seed)
		default:
			input = genB64(seed)
		}
		if run&0xc000 != 0x8000 && len(input) > 0 {
			for i := 0; i+1 < len(edits); i += 2 {
				at := int(edits[i]) * len(input) / 256
				input[at] = edits[i+1]
			}
		}
		c := newB64Run(rand.New(rand.NewSource(int64(run) ^ seed)))
		checkB64(t, input, c)
		if run&0x4000 != 0 {
			checkDecrypt(t, input, c)
		}
	})
}

// The line writer must write what openssl writes: encoding/base64's text cut into lines of
// 64 and a newline after the last one, or nothing but the text with -A, however the input
// arrives; and it must stop at the first failed write.
func TestBase64WriterLines(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for i := range 400 {
		data := make([]byte, rng.Intn(3000))
		if i%10 == 0 {
			data = make([]byte, rng.Intn(100_000))
		}
		rng.Read(data)
		text := base64.StdEncoding.EncodeToString(data)
		var wrapped strings.Builder
		for len(text) > 0 {
			k := min(lineWidth, len(text))
			wrapped.WriteString(text[:k] + "\n")
			text = text[k:]
		}
		for _, oneLine := range []bool{false, true} {
			want := wrapped.String()
			if oneLine {
				want = strings.ReplaceAll(want, "\n", "")
			}
			var out bytes.Buffer
			w := newBase64Writer(&out, oneLine)
			for p := data; len(p) > 0; {
				k := min(1+rng.Intn(200), len(p))
				if rng.Intn(4) == 0 {
					k = min(rng.Intn(50_000), len(p))
				}
				if n, err := w.Write(p[:k]); n != k || err != nil {
					t.Fatalf("Write: %d, %v", n, err)
				}
				p = p[k:]
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if out.String() != want {
				t.Fatalf("%d bytes, oneLine %v: wrote %d bytes, want %d", len(data), oneLine, out.Len(), len(want))
			}
		}
	}
	broken := errors.New("broken pipe")
	// A write that fails after earlier batches went out counts only those.
	fw := &failAfter{n: 1, err: broken}
	w := newBase64Writer(fw, false)
	if n, err := w.Write(make([]byte, 3*writeLines*lineBytes)); n != writeLines*lineBytes || !errors.Is(err, broken) {
		t.Fatalf("Write failing in its second batch: %d, %v; want %d, %v", n, err, writeLines*lineBytes, broken)
	}
	w = newBase64Writer(failWriter{broken}, false)
	if _, err := w.Write(make([]byte, 100)); !errors.Is(err, broken) {
		t.Fatalf("Write to a failing destination: %v", err)
	}
	if _, err := w.Write(make([]byte, 10)); !errors.Is(err, broken) {
		t.Fatalf("Write after a failed write: %v", err)
	}
	if err := w.Close(); !errors.Is(err, broken) {
		t.Fatalf("Close after a failed write: %v", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

// failAfter accepts n writes, then fails.
type failAfter struct {
	n   int
	err error
}

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	f.n--
	return len(p), nil
}
