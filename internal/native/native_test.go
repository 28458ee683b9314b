package native

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"golang.org/x/crypto/argon2"
)

// cheap keeps Argon2id fast in tests; the default cost is tested on its own.
var cheap = Params{Time: 1, MemoryKiB: 8, Threads: 1}

var password = []byte("chatpassword")

// seal encrypts plaintext, handing it to the writer in chunks of chunk bytes (0: one Write).
func seal(t testing.TB, plaintext []byte, chunk int, armor bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, password, cheap, armor)
	if err != nil {
		t.Fatal(err)
	}
	if chunk == 0 {
		chunk = len(plaintext) + 1
	}
	for p := plaintext; len(p) > 0; {
		n := min(chunk, len(p))
		if m, err := w.Write(p[:n]); err != nil || m != n {
			t.Fatalf("Write = %d, %v", m, err)
		}
		p = p[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// open decrypts one stream from r with the given password.
func open(r io.Reader, pw []byte) ([]byte, error) {
	var out bytes.Buffer
	err := DecryptStream(bufio.NewReader(r), &out, pw)
	return out.Bytes(), err
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	lengths := []int{0, 1, 2, 100, RecordSize - 1, RecordSize, RecordSize + 1, 2*RecordSize + 1, 3*RecordSize + 7}
	chunks := []int{0, 1, 7, 4099, RecordSize, RecordSize + 3}
	readers := map[string]func(io.Reader) io.Reader{
		"plain":   func(r io.Reader) io.Reader { return r },
		"onebyte": iotest.OneByteReader,
		"half":    iotest.HalfReader,
		"dataerr": iotest.DataErrReader,
	}
	for _, armor := range []bool{false, true} {
		for _, n := range lengths {
			for _, chunk := range chunks {
				if chunk == 1 && n > 2*RecordSize {
					continue // one record per byte: enough to test at the smaller sizes
				}
				plain := pattern(n)
				ct := seal(t, plain, chunk, armor)
				if !armor {
					writes := 0
					if n > 0 {
						c := chunk
						if c == 0 {
							c = n
						}
						for p := n; p > 0; p -= min(c, p) {
							writes += (min(c, p) + RecordSize - 1) / RecordSize
						}
					}
					want := HeaderLen + writes*(2+1+tagLen) + n + 2 + 1 + tagLen
					if len(ct) != want {
						t.Errorf("n=%d chunk=%d: ciphertext is %d bytes, want %d", n, chunk, len(ct), want)
					}
				}
				for name, wrap := range readers {
					got, err := open(wrap(bytes.NewReader(ct)), password)
					if err != nil || !bytes.Equal(got, plain) {
						t.Fatalf("armor=%v n=%d chunk=%d reader=%s: got %d bytes, err %v", armor, n, chunk, name, len(got), err)
					}
				}
			}
		}
	}
}

// recorder keeps every Write call separately.
type recorder struct{ writes [][]byte }

func (r *recorder) Write(p []byte) (int, error) {
	r.writes = append(r.writes, bytes.Clone(p))
	return len(p), nil
}

func (r *recorder) all() []byte { return bytes.Join(r.writes, nil) }

// recordsIn counts the whole records in one dst.Write, failing if it does not end on a record
// boundary (armored: a line boundary): a batch never splits a record across writes.
func recordsIn(t *testing.T, armor bool, b []byte) int {
	t.Helper()
	n := 0
	for len(b) > 0 {
		if armor {
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				t.Fatalf("armored write ends inside a line: %q", b)
			}
			b = b[i+1:]
		} else {
			if len(b) < 2 || len(b) < 2+int(binary.BigEndian.Uint16(b)) {
				t.Fatalf("binary write ends inside a record (%d bytes left)", len(b))
			}
			b = b[2+int(binary.BigEndian.Uint16(b)):]
		}
		n++
	}
	return n
}

// TestFlushPerWrite checks that a line leaves the writer as soon as it is written, and that
// the receiver can decrypt it before the stream ends; that every Write of up to WriteBatch
// bytes is one write to dst, and a longer one is cut into whole batches of records.
func TestFlushPerWrite(t *testing.T) {
	for _, armor := range []bool{false, true} {
		var rec recorder
		w, err := NewWriter(&rec, password, cheap, armor)
		if err != nil {
			t.Fatal(err)
		}
		// The header: one line armored; binary, its public part before Argon2id, then its
		// commitment.
		hw := 1
		if !armor {
			hw = 2
			if len(rec.writes) == 2 && (len(rec.writes[0]) != pubLen || len(rec.writes[1]) != CommitLen) {
				t.Fatalf("header writes of %d and %d bytes, want %d and %d",
					len(rec.writes[0]), len(rec.writes[1]), pubLen, CommitLen)
			}
		}
		if len(rec.writes) != hw || (armor && recordsIn(t, armor, rec.writes[0]) != 1) {
			t.Fatalf("armor=%v: header: %d writes, want %d", armor, len(rec.writes), hw)
		}
		for i, line := range []string{"hi\n", "there\n"} {
			if _, err := w.Write([]byte(line)); err != nil {
				t.Fatal(err)
			}
			if len(rec.writes) != hw+1+i {
				t.Fatalf("after line %d: %d writes, want %d", i, len(rec.writes), hw+1+i)
			}
		}
		got, err := open(bytes.NewReader(rec.all()), password)
		if string(got) != "hi\nthere\n" || !errors.Is(err, ErrTruncated) {
			t.Fatalf("armor=%v before Close: got %q, %v; want both lines and ErrTruncated", armor, got, err)
		}
		// Each Write leaves whole: its records, all of them, in one write.
		for _, c := range []struct{ size, writes, records int }{
			{2*RecordSize + 1, 1, 3},
			{WriteBatch, 1, batchRecords},
			{WriteBatch + 1, 2, batchRecords + 1},
			{2*WriteBatch + RecordSize, 3, 2*batchRecords + 1},
		} {
			before := len(rec.writes)
			if n, err := w.Write(pattern(c.size)); err != nil || n != c.size {
				t.Fatalf("Write(%d) = %d, %v", c.size, n, err)
			}
			ws := rec.writes[before:]
			if len(ws) != c.writes {
				t.Fatalf("armor=%v: a write of %d bytes made %d writes, want %d", armor, c.size, len(ws), c.writes)
			}
			total := 0
			for i, wr := range ws {
				r := recordsIn(t, armor, wr)
				if i < len(ws)-1 && r != batchRecords {
					t.Fatalf("armor=%v: write %d of a %d-byte Write holds %d records, want %d", armor, i, c.size, r, batchRecords)
				}
				total += r
			}
			if total != c.records {
				t.Fatalf("armor=%v: a write of %d bytes made %d records, want %d", armor, c.size, total, c.records)
			}
		}
		writes := len(rec.writes)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if _, err := w.Write([]byte("x")); err == nil {
			t.Fatal("Write after Close succeeded")
		}
		if len(rec.writes) != writes+1 || recordsIn(t, armor, rec.writes[writes]) != 1 {
			t.Fatalf("%d writes in all, want %d: END alone", len(rec.writes), writes+1)
		}
		if _, err := open(bytes.NewReader(rec.all()), password); err != nil {
			t.Fatalf("armor=%v: the whole stream: %v", armor, err)
		}
	}
}

// TestBatchSameBytes checks that batching changes only how the bytes are handed to dst: a
// Write of any length gives the same stream as its records written one Write each.
func TestBatchSameBytes(t *testing.T) {
	for _, armor := range []bool{false, true} {
		for _, n := range []int{1, RecordSize, RecordSize + 1, WriteBatch - 1, WriteBatch, WriteBatch + 1, 3*WriteBatch + 5} {
			plain := pattern(n)
			var one, each bytes.Buffer
			for _, c := range []struct {
				dst   *bytes.Buffer
				chunk int
			}{{&one, n}, {&each, RecordSize}} {
				w, err := newWriter(c.dst, password, cheap, armor, "", bytes.NewReader(make([]byte, SaltLen)))
				if err != nil {
					t.Fatal(err)
				}
				for p := plain; len(p) > 0; p = p[min(c.chunk, len(p)):] {
					if _, err := w.Write(p[:min(c.chunk, len(p))]); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(one.Bytes(), each.Bytes()) {
				t.Errorf("armor=%v n=%d: one Write and one Write per record give different streams", armor, n)
			}
		}
	}
}

// TestWriteAllocs checks that the writer allocates nothing per record or per batch.
func TestWriteAllocs(t *testing.T) {
	for _, armor := range []bool{false, true} {
		w, err := NewWriter(io.Discard, password, cheap, armor)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{1, 100, RecordSize, WriteBatch, 2*WriteBatch + 7} {
			p := pattern(n)
			if a := testing.AllocsPerRun(20, func() { w.Write(p) }); a != 0 {
				t.Errorf("armor=%v: a %d-byte Write allocates %.1f times", armor, n, a)
			}
		}
	}
}

// expensive reports whether a (tampered) stream asks for more than 1 MiB of Argon2 memory;
// such headers are legal but would make the exhaustive tests slow.
func expensive(ct []byte) bool {
	h := ct
	if bytes.HasPrefix(ct, []byte(armorMagic)) {
		line, _, _ := bytes.Cut(ct, []byte("\n"))
		var err error
		if h, err = base64.StdEncoding.DecodeString(string(line)); err != nil {
			return false
		}
	}
	hd, err := parseHeader(h[:min(len(h), HeaderLen)])
	return err == nil && hd.params.MemoryKiB*hd.params.Time > 1024
}

// checkRejected asserts that a damaged stream fails and prints at most a prefix of plain.
func checkRejected(t *testing.T, what string, ct, plain []byte) {
	t.Helper()
	got, err := open(bytes.NewReader(ct), password)
	if err == nil {
		t.Fatalf("%s: accepted", what)
	}
	if !bytes.HasPrefix(plain, got) {
		t.Fatalf("%s: wrote %q, not a prefix of the plaintext", what, got)
	}
	for _, e := range []error{ErrWrongPassword, ErrCorrupt, ErrTruncated, ErrUnsupported, ErrLimit} {
		if errors.Is(err, e) {
			return
		}
	}
	t.Fatalf("%s: error %v wraps no sentinel", what, err)
}

// TestEveryModification sets every byte of a small stream to every other value (armored: to
// every base64 character and to the characters that frame lines; any other byte fails the
// same base64 check).
func TestEveryModification(t *testing.T) {
	plain := []byte("hello, world\n")
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	text := []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n \x00\xff")
	for _, armor := range []bool{false, true} {
		values := all
		if armor {
			values = text
		}
		var buf bytes.Buffer
		w, _ := NewWriter(&buf, password, cheap, armor)
		w.Write(plain[:5])
		w.Write(plain[5:])
		w.Close()
		ct := buf.Bytes()
		skipped := 0
		for i := range ct {
			for _, v := range values {
				if v == ct[i] {
					continue
				}
				mod := bytes.Clone(ct)
				mod[i] = v
				if expensive(mod) {
					skipped++
					continue
				}
				checkRejected(t, fmt.Sprintf("armor=%v byte %d set to %#x", armor, i, v), mod, plain)
				if i < HeaderLen && !armor {
					if got, _ := open(bytes.NewReader(mod), password); len(got) > 0 {
						t.Fatalf("header byte %d modified: wrote %q", i, got)
					}
				}
			}
		}
		t.Logf("armor=%v: %d bytes x %d values, %d expensive headers skipped", armor, len(ct), len(values), skipped)
	}
}

// TestExpensiveHeaderModifications covers the values TestEveryModification skips, sparsely.
func TestExpensiveHeaderModifications(t *testing.T) {
	ct := seal(t, []byte("x"), 0, false)
	for _, c := range []struct{ i, v int }{{9, 0x01}, {10, 0x80}, {10, 0x01}, {7, 0x10}} {
		mod := bytes.Clone(ct)
		mod[c.i] = byte(c.v)
		got, err := open(bytes.NewReader(mod), password)
		if !errors.Is(err, ErrWrongPassword) || len(got) > 0 {
			t.Errorf("byte %d = %#x: %q, %v; want ErrWrongPassword and no output", c.i, c.v, got, err)
		}
	}
}

func TestEveryTruncation(t *testing.T) {
	plain := []byte("hello, world\n")
	for _, armor := range []bool{false, true} {
		for _, crlf := range []bool{false, true} {
			if crlf && !armor {
				continue
			}
			var buf bytes.Buffer
			w, _ := NewWriter(&buf, password, cheap, armor)
			w.Write(plain[:5])
			w.Write(plain[5:])
			w.Close()
			ct := buf.Bytes()
			if crlf {
				ct = bytes.ReplaceAll(ct, []byte("\n"), []byte("\r\n"))
			}
			for n := 0; n < len(ct); n++ {
				// An armored END line may end at EOF without its line terminator (FORMAT.md);
				// a lone "\r" left of a "\r\n" is still a cut.
				if armor && (!crlf && n == len(ct)-1 || crlf && n == len(ct)-2) {
					if got, err := open(bytes.NewReader(ct[:n]), password); err != nil || !bytes.Equal(got, plain) {
						t.Fatalf("END line without newline: %q, %v", got, err)
					}
					continue
				}
				checkRejected(t, fmt.Sprintf("armor=%v crlf=%v cut at %d", armor, crlf, n), ct[:n], plain)
				if _, err := open(bytes.NewReader(ct[:n]), password); n >= PrefixLen && !errors.Is(err, ErrTruncated) {
					t.Fatalf("armor=%v cut at %d: %v, want ErrTruncated", armor, n, err)
				}
			}
			if got, err := open(bytes.NewReader(ct), password); err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("whole stream: %q, %v", got, err)
			}
		}
	}
}

func TestWrongPassword(t *testing.T) {
	for _, armor := range []bool{false, true} {
		ct := seal(t, []byte("secret\n"), 0, armor)
		for _, pw := range []string{"", "chatpasswore", "chatpassword ", "x"} {
			got, err := open(bytes.NewReader(ct), []byte(pw))
			if !errors.Is(err, ErrWrongPassword) || len(got) != 0 {
				t.Errorf("armor=%v password %q: got %q, %v", armor, pw, got, err)
			}
		}
	}
}

// The commitment cannot tell a damaged header from another password: the message says both.
func TestCorruptedHeaderMessage(t *testing.T) {
	ct := seal(t, []byte("secret\n"), 0, false)
	mod := bytes.Clone(ct)
	mod[len(binaryMagicStr)+7] ^= 0x01 // the first salt byte
	for _, tt := range []struct {
		name string
		ct   []byte
		pw   string
	}{{"salt flipped", mod, string(password)}, {"wrong password", ct, "chatpasswore"}} {
		got, err := open(bytes.NewReader(tt.ct), []byte(tt.pw))
		if !errors.Is(err, ErrWrongPassword) || err.Error() != "wrong password or corrupted header" || len(got) != 0 {
			t.Errorf("%s: %q, %v", tt.name, got, err)
		}
	}
}

func TestLabel(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewLabeledWriter(&buf, password, cheap, false, "alice->bob")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("hi"))
	w.Close()
	var out bytes.Buffer
	if err := DecryptLabeledStream(bufio.NewReader(bytes.NewReader(buf.Bytes())), &out, password, "alice->bob"); err != nil || out.String() != "hi" {
		t.Fatalf("same label: %q, %v", out.String(), err)
	}
	for _, label := range []string{"", "bob->alice"} {
		out.Reset()
		err := DecryptLabeledStream(bufio.NewReader(bytes.NewReader(buf.Bytes())), &out, password, label)
		if !errors.Is(err, ErrWrongPassword) || out.Len() != 0 {
			t.Errorf("label %q: %q, %v", label, out.String(), err)
		}
		if want := "wrong password, wrong label or corrupted header"; label != "" && err.Error() != want {
			t.Errorf("label %q: %q, want %q", label, err, want)
		}
	}
	if _, err := NewLabeledWriter(io.Discard, password, cheap, false, strings.Repeat("x", 256)); err == nil {
		t.Error("256-byte label accepted")
	}
}

// records splits a binary stream into its header and records.
func records(ct []byte) (hdr []byte, recs [][]byte) {
	hdr, ct = ct[:HeaderLen], ct[HeaderLen:]
	for len(ct) > 0 {
		l := 2 + int(binary.BigEndian.Uint16(ct))
		recs = append(recs, ct[:l])
		ct = ct[l:]
	}
	return hdr, recs
}

func TestRecordSurgery(t *testing.T) {
	plain := []byte("one two three")
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, password, cheap, false)
	w.Write([]byte("one "))
	w.Write([]byte("two "))
	w.Write([]byte("three"))
	w.Close()
	hdr, recs := records(buf.Bytes())
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4", len(recs))
	}
	other, _ := records(seal(t, plain, 4, false))
	_, otherRecs := records(seal(t, plain, 4, false))
	join := func(h []byte, rs ...[]byte) []byte { return bytes.Join(append([][]byte{h}, rs...), nil) }
	cases := map[string]struct {
		ct   []byte
		want error
	}{
		"dropped":           {join(hdr, recs[0], recs[2], recs[3]), ErrCorrupt},
		"duplicated":        {join(hdr, recs[0], recs[0], recs[1], recs[2], recs[3]), ErrCorrupt},
		"reordered":         {join(hdr, recs[1], recs[0], recs[2], recs[3]), ErrCorrupt},
		"end moved up":      {join(hdr, recs[0], recs[3]), ErrCorrupt},
		"end dropped":       {join(hdr, recs[0], recs[1], recs[2]), ErrTruncated},
		"other stream's":    {join(hdr, recs[0], otherRecs[1], recs[2], recs[3]), ErrCorrupt},
		"other header":      {join(other, recs...), ErrCorrupt},
		"data after header": {join(hdr, []byte{0, 0}), ErrCorrupt},
		"length too big":    {join(hdr, []byte{0xff, 0xff}), ErrLimit},
	}
	for name, c := range cases {
		got, err := open(bytes.NewReader(c.ct), password)
		if !errors.Is(err, c.want) || !bytes.HasPrefix(plain, got) {
			t.Errorf("%s: got %q, %v; want %v", name, got, err, c.want)
		}
	}
}

// TestConcatenated decodes several streams from one reader, as ncl -k | ncdec delivers them,
// and checks each call consumes exactly its stream.
func TestConcatenated(t *testing.T) {
	a := seal(t, []byte("first\n"), 0, false)
	b := seal(t, []byte("second\n"), 3, true)
	c := bytes.ReplaceAll(seal(t, []byte("third\n"), 0, true), []byte("\n"), []byte("\r\n"))
	d := seal(t, nil, 0, false)
	e := seal(t, pattern(RecordSize+1), 0, false)
	in := bytes.Join([][]byte{a, b, c, d, e, []byte("Salted__rest")}, nil)
	r := bufio.NewReader(iotest.HalfReader(bytes.NewReader(in)))
	for i, want := range [][]byte{[]byte("first\n"), []byte("second\n"), []byte("third\n"), nil, pattern(RecordSize + 1)} {
		var out bytes.Buffer
		if err := DecryptStream(r, &out, password); err != nil || !bytes.Equal(out.Bytes(), want) {
			t.Fatalf("stream %d: %d bytes, %v", i, out.Len(), err)
		}
		if i < 4 {
			p, _ := r.Peek(PrefixLen)
			if !IsStart(p) {
				t.Fatalf("after stream %d the reader is not at the next stream: %q", i, p)
			}
		}
	}
	rest, _ := io.ReadAll(r)
	if string(rest) != "Salted__rest" {
		t.Fatalf("left over %q", rest)
	}
}

func TestParamsCheck(t *testing.T) {
	cases := []struct {
		p    Params
		ok   bool
		name string // the offending value the message must name
	}{
		{DefaultParams(), true, ""},
		{cheap, true, ""},
		{Params{MaxTime, MaxCost / MaxTime, 1}, true, ""},
		{Params{2, MaxMemoryKiB, MaxThreads}, true, ""},
		{Params{0, 64, 1}, false, "time 0"},
		{Params{MaxTime + 1, 64, 1}, false, "time 17"},
		{Params{1, MaxMemoryKiB + 1, 1}, false, "memory 1048577 KiB"},
		{Params{1, 64, 0}, false, "threads 0"},
		{Params{1, 1024, MaxThreads + 1}, false, "threads 17"},
		{Params{1, 15, 2}, false, "memory 15 KiB"},
		{Params{3, MaxMemoryKiB, 1}, false, "time*memory 3145728 KiB"},
	}
	for _, c := range cases {
		err := c.p.Check()
		if (err == nil) != c.ok {
			t.Errorf("%+v: %v", c.p, err)
			continue
		}
		if err != nil && (!errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), c.name)) {
			t.Errorf("%+v: %q does not name %q", c.p, err, c.name)
		}
		if !c.ok {
			if _, err := NewWriter(io.Discard, password, c.p, false); !errors.Is(err, ErrLimit) {
				t.Errorf("NewWriter(%+v) = %v, want ErrLimit", c.p, err)
			}
		}
	}
}

func TestDefaultParams(t *testing.T) {
	p := DefaultParams()
	// OWASP's Argon2id minimum: 19 MiB, 2 passes, 1 lane.
	if p.MemoryKiB < 19*1024 || p.Time < 2 || p.Threads < 1 || p.Check() != nil {
		t.Fatalf("DefaultParams() = %+v is below the OWASP minimum or the ceilings", p)
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, password, p, false)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("x"))
	w.Close()
	if got, err := open(&buf, password); err != nil || string(got) != "x" {
		t.Fatalf("default params round trip: %q, %v", got, err)
	}
}

// TestHeaderCeilings checks that over-ceiling parameters are refused before Argon2id runs:
// 1 GiB+ of memory would take seconds; the error must come at once and name the value.
func TestHeaderCeilings(t *testing.T) {
	ct := seal(t, []byte("x"), 0, false)
	cases := []struct {
		i    int
		v    []byte
		name string
	}{
		{7, []byte{17}, "argon2 time 17"},
		{8, []byte{0xff, 0xff, 0xff, 0xff}, "argon2 memory 4294967295 KiB"},
		{8, []byte{0, 0x10, 0, 1}, "argon2 memory 1048577 KiB"},
		{12, []byte{200}, "argon2 threads 200"},
	}
	for _, c := range cases {
		mod := bytes.Clone(ct)
		copy(mod[c.i:], c.v)
		allocs := testing.AllocsPerRun(1, func() { open(bytes.NewReader(mod), password) })
		_, err := open(bytes.NewReader(mod), password)
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s: %v", c.name, err)
		}
		if allocs > 50 {
			t.Errorf("%s: %v allocations before refusing", c.name, allocs)
		}
	}
}

func TestUnsupported(t *testing.T) {
	ct := seal(t, []byte("x"), 0, false)
	mod := bytes.Clone(ct)
	mod[6] = 2
	if _, err := open(bytes.NewReader(mod), password); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("version 2: %v", err)
	}
	arm := []byte(base64.StdEncoding.EncodeToString(mod) + "\n")
	if _, err := open(bytes.NewReader(arm), password); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("armored version 2: %v", err)
	}
	for _, in := range []string{"Salted__12345678", "U2FsdGVkX1", "hello", "nckit"} {
		if _, err := open(strings.NewReader(in), password); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%q: %v", in, err)
		}
	}
	if _, err := open(strings.NewReader(""), password); !errors.Is(err, ErrTruncated) {
		t.Errorf("empty input: %v", err)
	}
}

// endless is an armored header followed by a line that never ends.
type endless struct{ head []byte }

func (e *endless) Read(p []byte) (int, error) {
	if len(e.head) > 0 {
		n := copy(p, e.head)
		e.head = e.head[n:]
		return n, nil
	}
	for i := range p {
		p[i] = 'A'
	}
	return len(p), nil
}

func TestArmorLineCeiling(t *testing.T) {
	ct := seal(t, []byte("x"), 0, true)
	head, _, _ := bytes.Cut(ct, []byte("\n"))
	_, err := open(&endless{head: append(head, '\n')}, password)
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), fmt.Sprint(MaxArmorLine)) {
		t.Fatalf("endless record line: %v", err)
	}
	_, err = open(&endless{head: []byte(armorMagic)}, password)
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), fmt.Sprint(MaxArmorHeaderLine)) {
		t.Fatalf("endless header line: %v", err)
	}
	// A well-formed line whose length field is over the ceiling.
	rec := make([]byte, 2+MaxBody+1)
	binary.BigEndian.PutUint16(rec, MaxBody+1)
	in := append(append(head, '\n'), base64.StdEncoding.EncodeToString(rec)+"\n"...)
	if _, err := open(bytes.NewReader(in), password); !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), fmt.Sprint(MaxBody+1)) {
		t.Fatalf("over-long armored record: %v", err)
	}
}

func TestIsStart(t *testing.T) {
	bin := seal(t, nil, 0, false)
	arm := seal(t, nil, 0, true)
	cases := []struct {
		in   []byte
		want bool
	}{
		{bin[:PrefixLen], true},
		{bin[:len(binaryMagicStr)], true},
		{arm[:PrefixLen], true},
		{arm[:PrefixLen-1], false},
		{[]byte("Salted__"), false},
		{[]byte("U2FsdGVk"), false},
		{nil, false},
	}
	for _, c := range cases {
		if got := IsStart(c.in); got != c.want {
			t.Errorf("IsStart(%q) = %v", c.in, got)
		}
	}
	if base64.StdEncoding.EncodeToString([]byte(binaryMagicStr)) != armorMagic {
		t.Error("the binary magic does not armor to the armor magic")
	}
}

// TestRekey crosses key epochs with a small per-key limit, and checks that the epochs really
// use different keys.
func TestRekey(t *testing.T) {
	for _, armor := range []bool{false, true} {
		var buf bytes.Buffer
		w, err := newWriter(&buf, password, cheap, armor, "", bytes.NewReader(make([]byte, SaltLen)))
		if err != nil {
			t.Fatal(err)
		}
		w.s.perKey = 3
		plain := pattern(10)
		for i := range plain {
			w.Write(plain[i : i+1])
		}
		w.Close()
		var out bytes.Buffer
		if err := decrypt(bufio.NewReader(bytes.NewReader(buf.Bytes())), &out, password, Options{}, 3); err != nil || !bytes.Equal(out.Bytes(), plain) {
			t.Fatalf("perKey 3: %q, %v", out.Bytes(), err)
		}
		out.Reset()
		err = decrypt(bufio.NewReader(bytes.NewReader(buf.Bytes())), &out, password, Options{}, RecordsPerKey)
		if !errors.Is(err, ErrCorrupt) || !bytes.Equal(out.Bytes(), plain[:3]) {
			t.Fatalf("without rekeying: %q, %v; want the first epoch then ErrCorrupt", out.Bytes(), err)
		}
	}
}

// TestRekeyAtRealLimit streams RecordsPerKey+2 one-byte records through a pipe.
func TestRekeyAtRealLimit(t *testing.T) {
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 1<<16)
		w, err := NewWriter(bw, password, cheap, false)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		b := []byte{0}
		for i := 0; i < RecordsPerKey+2; i++ {
			b[0] = byte(i)
			if _, err := w.Write(b); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		w.Close()
		bw.Flush()
		pw.Close()
	}()
	var n counter
	if err := DecryptStream(bufio.NewReader(pr), &n, password); err != nil || n.n != RecordsPerKey+2 || n.last != byte((RecordsPerKey+1)%256) {
		t.Fatalf("%d bytes, last %d, %v", n.n, n.last, err)
	}
}

type counter struct {
	n    int
	last byte
}

func (c *counter) Write(p []byte) (int, error) {
	c.n += len(p)
	c.last = p[len(p)-1]
	return len(p), nil
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk full")
	}
	f.after--
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	// Writer: a failed write is sticky, and the count is what earlier writes took.
	w, err := NewWriter(&failWriter{after: 3}, password, cheap, false)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := w.Write(pattern(WriteBatch + 3*RecordSize)); err == nil || n != WriteBatch {
		t.Fatalf("Write = %d, %v; want %d and an error", n, err, WriteBatch)
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Fatal("Write after a failure succeeded")
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close after a failure succeeded")
	}
	for _, c := range []struct {
		armor bool
		after int
	}{{true, 0}, {false, 0}, {false, 1}} {
		if _, err := NewWriter(&failWriter{after: c.after}, password, cheap, c.armor); err == nil {
			t.Fatalf("armor=%v: failure of header write %d not reported", c.armor, c.after+1)
		}
	}
	// Decoder: a failing dst is reported, and is not a format error.
	ct := seal(t, []byte("abc"), 1, false)
	err = DecryptStream(bufio.NewReader(bytes.NewReader(ct)), &failWriter{after: 1}, password)
	if err == nil || !strings.Contains(err.Error(), "disk full") || errors.Is(err, ErrCorrupt) {
		t.Fatalf("dst failure: %v", err)
	}
}

// TestReadErrors: an input failure is reported as such, not as a format error.
func TestReadErrors(t *testing.T) {
	ct := seal(t, pattern(3*RecordSize), 0, false)
	boom := errors.New("boom")
	for name, r := range map[string]io.Reader{
		"at once":      iotest.ErrReader(boom),
		"after header": io.MultiReader(bytes.NewReader(ct[:HeaderLen+5]), iotest.ErrReader(boom)),
		"armored":      io.MultiReader(bytes.NewReader(seal(t, pattern(100), 0, true)[:90]), iotest.ErrReader(boom)),
	} {
		_, err := open(r, password)
		if !errors.Is(err, boom) || sentinel(err) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// argon2ID's prefault must not double the KDF's memory: its buffer is collected before
// Argon2id allocates, and Argon2id's block array takes the same pages; nor may a second
// derivation (a decoder reading stream after stream) add a second block array to the first.
func TestPrefaultReusesMemory(t *testing.T) {
	p := Params{Time: 1, MemoryKiB: 40 * 1024, Threads: 1}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var keys [3][]byte
	for i := range keys {
		keys[i] = argon2ID([]byte("pw"), make([]byte, 16), p)
	}
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapSys) - int64(before.HeapSys); grown > int64(p.MemoryKiB)*1024*3/2 {
		t.Fatalf("the heap grew by %d MiB for three %d MiB KDFs in turn: memory was not reused", grown>>20, p.MemoryKiB>>10)
	}
	if want := argon2.IDKey([]byte("pw"), make([]byte, 16), p.Time, p.MemoryKiB, p.Threads, ikmLen); !bytes.Equal(keys[2], want) {
		t.Fatal("argon2ID differs from argon2.IDKey")
	}
}

// Decrypt's options: Accept sees the header's parameters before any derivation, and its
// refusal matches ErrLimit with its own text; Pace hears of the header and of every record.
func TestDecryptOptions(t *testing.T) {
	ct := seal(t, pattern(2*RecordSize+1), 0, false)
	refusal := errors.New("not these parameters")
	var seen Params
	err := Decrypt(bufio.NewReader(bytes.NewReader(ct)), io.Discard, password, Options{
		Accept: func(p Params) error { seen = p; return refusal },
	})
	if !errors.Is(err, ErrLimit) || !errors.Is(err, refusal) || err.Error() != refusal.Error() || seen.Time == 0 {
		t.Fatalf("Accept refusal: %v (saw %+v)", err, seen)
	}
	for _, armor := range []bool{false, true} {
		ct := seal(t, pattern(2*RecordSize+1), 0, armor)
		var events []string
		var out bytes.Buffer
		err = Decrypt(bufio.NewReader(bytes.NewReader(ct)), &out, password, Options{
			Accept: func(Params) error { return nil },
			Pace:   func(awaited string) { events = append(events, awaited) },
		})
		// header arrived (binary: its public part, then its commitment after Argon2id), then
		// 3 DATA records and END, each begun and complete
		want := []string{"", "a record", "", "a record", "", "a record", "", "a record", ""}
		if !armor {
			want = append([]string{"", "the rest of the header"}, want...)
		}
		if err != nil || !bytes.Equal(out.Bytes(), pattern(2*RecordSize+1)) || !slices.Equal(events, want) {
			t.Errorf("armor=%v: err %v, %d bytes, pace %q, want %q", armor, err, out.Len(), events, want)
		}
	}
}

// TestRefusedBeforeArgon2: a binary header is vetted on its public part, by the format's
// ceilings and by Accept, as soon as that part arrives: a costly header is refused without
// waiting for its commitment (which comes only after the sender's Argon2id run) and without
// allocating anything for Argon2id.
func TestRefusedBeforeArgon2(t *testing.T) {
	window := func(p Params) error {
		if p.MemoryKiB > 256<<10 {
			return errors.New("over this receiver's window")
		}
		return nil
	}
	for _, c := range []struct {
		name   string
		p      Params
		accept func(Params) error
	}{
		{"format ceiling", Params{Time: 1, MemoryKiB: 2 << 20, Threads: 1}, nil},
		{"receiver's window", Params{Time: 1, MemoryKiB: 1 << 20, Threads: 1}, window},
	} {
		h := &header{params: c.p}
		pr, pw := io.Pipe()
		go func() { _, _ = pw.Write(h.marshal()[:pubLen]) }() // and never the commitment
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		done := make(chan error, 1)
		go func() { done <- Decrypt(bufio.NewReader(pr), io.Discard, password, Options{Accept: c.accept}) }()
		var err error
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the decoder waits for the commitment of a header it must refuse", c.name)
		}
		runtime.ReadMemStats(&after)
		pw.Close()
		if !errors.Is(err, ErrLimit) {
			t.Errorf("%s: %v, want ErrLimit", c.name, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("%s: %d bytes allocated before the refusal", c.name, grew)
		}
	}
}
