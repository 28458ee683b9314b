package native

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"sync"
	"testing"
)

// The fuzz targets decode input against one fixed, cheap header, so that Argon2id runs once
// per process rather than once per input: the fuzzer's time goes to the parsers.
var fixed struct {
	once   sync.Once
	header []byte    // binary header, zero salt, cheap params
	s      *schedule // its key schedule before any record
	seeds  [][]byte  // whole binary streams under that header
}

func fixedSetup(tb testing.TB) {
	fixed.once.Do(func() {
		for i, writes := range [][]string{{}, {"hi\n"}, {"hello", ", world\n"}, {string(pattern(RecordSize + 1))}} {
			var buf bytes.Buffer
			w, err := newWriter(&buf, password, cheap, false, "", bytes.NewReader(make([]byte, SaltLen)))
			if err != nil {
				tb.Fatal(err)
			}
			for _, s := range writes {
				w.Write([]byte(s))
			}
			w.Close()
			fixed.seeds = append(fixed.seeds, buf.Bytes())
			if i == 0 {
				fixed.header = buf.Bytes()[:HeaderLen]
			}
		}
		h, err := parseHeader(fixed.header)
		if err != nil {
			tb.Fatal(err)
		}
		if fixed.s, err = derive(password, h, ""); err != nil {
			tb.Fatal(err)
		}
	})
}

// armorOf converts a binary stream to its armored form (header line, one line per record).
func armorOf(ct []byte) []byte {
	enc := base64.StdEncoding
	out := append([]byte(enc.EncodeToString(ct[:HeaderLen])), '\n')
	for ct = ct[HeaderLen:]; len(ct) >= 2; {
		l := min(2+int(binary.BigEndian.Uint16(ct)), len(ct))
		out = append(append(out, enc.EncodeToString(ct[:l])...), '\n')
		ct = ct[l:]
	}
	return out
}

// sentinel reports whether err is one of the decoder's documented errors.
func sentinel(err error) bool {
	for _, e := range []error{ErrWrongPassword, ErrCorrupt, ErrTruncated, ErrUnsupported, ErrLimit} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// FuzzHeader: any header that parses must re-encode to the same bytes, and every refusal
// must be a documented error.
func FuzzHeader(f *testing.F) {
	fixedSetup(f)
	f.Add(fixed.header)
	f.Add(fixed.header[:7])
	f.Add([]byte("Salted__"))
	big := bytes.Clone(fixed.header)
	binary.BigEndian.PutUint32(big[8:], MaxMemoryKiB+1)
	f.Add(big)
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := parseHeader(b)
		if err != nil {
			if !sentinel(err) {
				t.Fatalf("undocumented error %v", err)
			}
			return
		}
		if h.params.Check() != nil {
			t.Fatal("parsed params fail Check")
		}
		if !bytes.Equal(h.marshal(), b) {
			t.Fatalf("re-encoded header differs")
		}
		// The binary source must read exactly the header from a longer input.
		r := bufio.NewReader(io.MultiReader(bytes.NewReader(b), bytes.NewReader([]byte("rest"))))
		src := &binarySource{r: r}
		hb, err := src.header()
		if err == nil {
			hb, err = src.commitment(hb)
		}
		if err != nil || !bytes.Equal(hb, b) {
			t.Fatalf("binarySource.header: %v", err)
		}
		if rest, _ := io.ReadAll(r); string(rest) != "rest" {
			t.Fatalf("header read consumed %q too much", rest)
		}
	})
}

// FuzzRecords decodes arbitrary bytes as the records after the fixed header. On success the
// same records, armored, must decode to the same plaintext and the rest of the input must be
// left unread.
func FuzzRecords(f *testing.F) {
	fixedSetup(f)
	for _, s := range fixed.seeds {
		f.Add(s[HeaderLen:])
		f.Add(s[HeaderLen : len(s)-3])
	}
	f.Add([]byte{0xff, 0xff})
	f.Add([]byte{0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		br := bytes.NewReader(b)
		r := bufio.NewReader(br)
		var out bytes.Buffer
		s := *fixed.s
		err := s.decode(&binarySource{r: r}, &out)
		if err != nil {
			if !sentinel(err) {
				t.Fatalf("undocumented error %v", err)
			}
			return
		}
		used := len(b) - br.Len() - r.Buffered()
		if rest, _ := io.ReadAll(r); !bytes.Equal(rest, b[used:]) {
			t.Fatal("reader lost bytes")
		}
		arm := armorOf(append(bytes.Clone(fixed.header), b[:used]...))
		var out2 bytes.Buffer
		if err := DecryptStream(bufio.NewReader(bytes.NewReader(arm)), &out2, password); err != nil || !bytes.Equal(out.Bytes(), out2.Bytes()) {
			t.Fatalf("armored form decodes differently: %v", err)
		}
	})
}

// FuzzArmor decodes arbitrary text as an armored stream. A stream under the fixed header is
// decrypted with the cached keys; any other header only goes through parsing.
func FuzzArmor(f *testing.F) {
	fixedSetup(f)
	for _, s := range fixed.seeds {
		a := armorOf(s)
		f.Add(a)
		f.Add(bytes.ReplaceAll(a, []byte("\n"), []byte("\r\n")))
		f.Add(a[:len(a)-5])
	}
	f.Add([]byte(armorMagic + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		br := bytes.NewReader(b)
		r := bufio.NewReader(br)
		if p, _ := r.Peek(PrefixLen); !bytes.HasPrefix(p, []byte(armorMagic)) {
			return
		}
		src := &armorSource{r: r}
		hb, err := src.header()
		if err == nil {
			_, err = parseHeader(hb)
		}
		if err != nil {
			if !sentinel(err) {
				t.Fatalf("undocumented header error %v", err)
			}
			return
		}
		if !bytes.Equal(hb, fixed.header) {
			return
		}
		var out bytes.Buffer
		s := *fixed.s
		if err := s.decode(src, &out); err != nil {
			if !sentinel(err) {
				t.Fatalf("undocumented error %v", err)
			}
			return
		}
		// Success: the text consumed ends with a line terminator or at EOF, and its records,
		// unarmored, decode to the same plaintext.
		used := len(b) - br.Len() - r.Buffered()
		if used < len(b) && b[used-1] != '\n' {
			t.Fatalf("stopped mid-line at %d", used)
		}
		var bin []byte
		for _, line := range bytes.Split(bytes.TrimRight(b[:used], "\r\n"), []byte("\n")) {
			d, err := base64.StdEncoding.Strict().DecodeString(string(bytes.TrimSuffix(line, []byte("\r"))))
			if err != nil {
				t.Fatalf("accepted line is not base64: %q", line)
			}
			bin = append(bin, d...)
		}
		var out2 bytes.Buffer
		if err := DecryptStream(bufio.NewReader(bytes.NewReader(bin)), &out2, password); err != nil || !bytes.Equal(out.Bytes(), out2.Bytes()) {
			t.Fatalf("binary form decodes differently: %v", err)
		}
	})
}

// FuzzRoundTrip encrypts arbitrary data in writes of an arbitrary size, binary or armored,
// and checks the round trip and that cutting the stream anywhere is detected after at most a
// prefix of the data.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hi\n"), uint16(0), false, uint16(10))
	f.Add(pattern(RecordSize+1), uint16(RecordSize-1), true, uint16(500))
	f.Fuzz(func(t *testing.T, data []byte, split uint16, armor bool, cut uint16) {
		var buf bytes.Buffer
		w, err := newWriter(&buf, password, cheap, armor, "", bytes.NewReader(make([]byte, SaltLen)))
		if err != nil {
			t.Fatal(err)
		}
		for p := data; len(p) > 0; {
			n := min(len(p), int(split)+1)
			if _, err := w.Write(p[:n]); err != nil {
				t.Fatal(err)
			}
			p = p[n:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		ct := buf.Bytes()
		got, err := open(bytes.NewReader(ct), password)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("round trip: %v", err)
		}
		n := int(cut) % len(ct)
		if armor && n == len(ct)-1 {
			return // the END line without its newline is complete
		}
		got, err = open(bytes.NewReader(ct[:n]), password)
		if err == nil || !bytes.HasPrefix(data, got) {
			t.Fatalf("cut at %d of %d: %v", n, len(ct), err)
		}
	})
}
