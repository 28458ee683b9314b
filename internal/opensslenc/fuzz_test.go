package opensslenc

import (
	"bufio"
	"bytes"
	"io"
	"testing"
)

// FuzzDecrypt feeds arbitrary input to the decoder in each framing: it must never panic or
// hang, must consume the input to its end message by message, and a failing message of
// this size must write nothing.
func FuzzDecrypt(f *testing.F) {
	o := opts("aes-256-cbc", true)
	f.Add([]byte("U2FsdGVkX18BAgMEBQYHCCWbY7FIhngK362plwjA/Xs=\n"))
	f.Add(encrypt(f, o, []byte("hello world\n")))
	f.Add(append(encrypt(f, o, pattern(17)), encrypt(f, o, pattern(40))...))
	f.Add(encrypt(f, opts("aes-256-cbc", false), pattern(33)))
	f.Add(encrypt(f, opts("chacha20", false), pattern(33)))
	f.Add([]byte("Salted__12345678abcdefgh"))
	f.Add([]byte("U2FsdGVkX1\r\n=\n"))
	f.Fuzz(func(t *testing.T, input []byte) {
		for _, name := range []string{"aes-256-cbc", "aes-128-ctr"} {
			for _, b64 := range []bool{false, true} {
				o := opts(name, b64)
				br := bufio.NewReaderSize(bytes.NewReader(input), 16)
				for i := 0; ; i++ {
					if i > len(input)+1 {
						t.Fatal("no progress")
					}
					if _, err := br.Peek(1); err == io.EOF {
						break
					}
					var out bytes.Buffer
					err := Decrypt(br, &out, o)
					if err != nil {
						if out.Len() != 0 {
							t.Fatalf("%s b64=%v: %d bytes written by a failed message", name, b64, out.Len())
						}
						break
					}
				}
			}
		}
	})
}

// FuzzRoundTrip: whatever the plaintext and however the base64 is wrapped, it decrypts.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello world\n"), uint8(64), false)
	f.Add([]byte{}, uint8(0), true)
	f.Fuzz(func(t *testing.T, pt []byte, width uint8, crlf bool) {
		o := opts("aes-256-cbc", true)
		text := string(encrypt(t, o, pt))
		if width > 0 {
			text = rewrap(text, int(width))
		}
		if crlf {
			text = reshapes["crlf"](text)
		}
		got, err := decryptAll([]byte(text), o)
		if err != nil {
			t.Fatalf("%v\n%q", err, text)
		}
		if len(got) != 1 || !bytes.Equal(got[0], pt) {
			t.Fatalf("got %d messages for %q", len(got), text)
		}
	})
}
