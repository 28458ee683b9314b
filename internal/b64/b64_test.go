package b64

import (
	"bytes"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"testing"
)

// checkEncode compares Encode and AppendEncode with encoding/base64 on src.
func checkEncode(t *testing.T, src []byte) {
	t.Helper()
	want := base64.StdEncoding.EncodeToString(src)
	got := make([]byte, EncodedLen(len(src)))
	Encode(got, src)
	if string(got) != want {
		t.Fatalf("Encode(%x) = %q, want %q", src, got, want)
	}
	prefix := []byte("x:")
	if got := AppendEncode(prefix, src); string(got) != "x:"+want {
		t.Fatalf("AppendEncode(%x) = %q, want %q", src, got, "x:"+want)
	}
}

// checkDecode compares Decode and DecodeStrict with encoding/base64 on src: count, output
// up to the count and error, with dst as large as DecodedLen asks and with a few bytes more.
func checkDecode(t *testing.T, src []byte) {
	t.Helper()
	for _, c := range []struct {
		name string
		ours func(dst, src []byte) (int, error)
		std  *base64.Encoding
	}{{"Decode", Decode, base64.StdEncoding}, {"DecodeStrict", DecodeStrict, base64.StdEncoding.Strict()}} {
		for _, extra := range []int{0, 5} {
			size := base64.StdEncoding.DecodedLen(len(src)) + extra
			want, got := make([]byte, size), make([]byte, size)
			wn, werr := c.std.Decode(want, src)
			gn, gerr := c.ours(got, src)
			if gn != wn || !bytes.Equal(got[:gn], want[:wn]) || !sameError(gerr, werr) {
				t.Fatalf("%s(%q): %d %x %v, encoding/base64: %d %x %v", c.name, src, gn, got, gerr, wn, want, werr)
			}
		}
	}
}

func sameError(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	var ca, cb base64.CorruptInputError
	if errors.As(a, &ca) && errors.As(b, &cb) {
		return ca == cb
	}
	return a.Error() == b.Error()
}

func TestEncodeAllLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 200; n++ {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		checkEncode(t, src)
	}
	// Every value of every 12-bit half goes through the table.
	all := make([]byte, 3*4096)
	for i := range 4096 {
		v := i<<12 | (4095 - i)
		all[3*i], all[3*i+1], all[3*i+2] = byte(v>>16), byte(v>>8), byte(v)
	}
	checkEncode(t, all)
}

func TestDecodeAgreesWithEncodingBase64(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	odd := []byte("=\n\r \x00\xff-_.")
	for n := 0; n < 3000; n++ {
		src := make([]byte, rng.IntN(120))
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		text := []byte(base64.StdEncoding.EncodeToString(src))
		checkDecode(t, text)
		// Damage it: an odd byte anywhere, a cut anywhere, or both.
		if len(text) > 0 {
			bad := bytes.Clone(text)
			bad[rng.IntN(len(bad))] = odd[rng.IntN(len(odd))]
			checkDecode(t, bad)
			checkDecode(t, text[:rng.IntN(len(text))])
			checkDecode(t, bad[rng.IntN(len(bad)):])
		}
		// Nonzero padding bits, which only the strict decoder rejects.
		if len(text) >= 4 && text[len(text)-1] == '=' {
			p := bytes.IndexByte(text, '=')
			nz := bytes.Clone(text)
			nz[p-1] = alphabet[(bytes.IndexByte([]byte(alphabet), nz[p-1])+1)%64]
			checkDecode(t, nz)
		}
	}
	// Every pair of characters, valid and not, in every position of a group.
	for a := range 256 {
		for b := range 256 {
			for pos := 0; pos < 8; pos += 2 {
				g := []byte("QUJDREVGQUJD")
				g[pos], g[pos+1] = byte(a), byte(b)
				checkDecode(t, g)
			}
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "QUJD", "QUJDREVG", "QUJDREVGSElK\nS0xN", "QUI=", "QQ==", "QUJDREVGS=", "QUJD\rREVGSElK"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkDecode(t, src)
		checkEncode(t, src)
		checkDecode(t, []byte(base64.StdEncoding.EncodeToString(src)))
	})
}

var benchSrc = func() []byte {
	b := make([]byte, 48*1024)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}()

var benchText = []byte(base64.StdEncoding.EncodeToString(benchSrc))

func BenchmarkEncode(b *testing.B) {
	dst := make([]byte, len(benchText))
	b.SetBytes(int64(len(benchSrc)))
	for b.Loop() {
		Encode(dst, benchSrc)
	}
}

func BenchmarkEncodeStdlib(b *testing.B) {
	dst := make([]byte, len(benchText))
	b.SetBytes(int64(len(benchSrc)))
	for b.Loop() {
		base64.StdEncoding.Encode(dst, benchSrc)
	}
}

func BenchmarkDecode(b *testing.B) {
	dst := make([]byte, len(benchSrc))
	b.SetBytes(int64(len(benchSrc)))
	for b.Loop() {
		if _, err := Decode(dst, benchText); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeStdlib(b *testing.B) {
	dst := make([]byte, len(benchSrc))
	b.SetBytes(int64(len(benchSrc)))
	for b.Loop() {
		if _, err := base64.StdEncoding.Decode(dst, benchText); err != nil {
			b.Fatal(err)
		}
	}
}

// A dst shorter than EncodedLen panics, as with encoding/base64, and nothing is written past
// its length even when its capacity has room.
func TestEncodeShortDst(t *testing.T) {
	backing := make([]byte, 64)
	defer func() {
		if recover() == nil {
			t.Fatal("Encode into a short dst did not panic")
		}
		for i, c := range backing[8:] {
			if c != 0 {
				t.Fatalf("byte %d past len(dst) written: %q", 8+i, c)
			}
		}
	}()
	Encode(backing[:8], make([]byte, 48))
}
