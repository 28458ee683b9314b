package opensslenc

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
)

type vector struct {
	name, opts, pass                  string
	salt, key, iv, plaintext, message []byte
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	if s == "-" {
		return nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// loadVectors reads testdata/openssl/vectors.tsv, made by the real openssl (gen.sh there).
func loadVectors(t *testing.T) []vector {
	t.Helper()
	data, err := os.ReadFile("../../testdata/openssl/vectors.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 8 {
			t.Fatalf("bad vector line %q", line)
		}
		vs = append(vs, vector{f[0], f[1], f[2], unhex(t, f[3]), unhex(t, f[4]), unhex(t, f[5]), unhex(t, f[6]), unhex(t, f[7])})
	}
	if len(vs) < 200 {
		t.Fatalf("only %d vectors", len(vs))
	}
	return vs
}

// options turns a vector's openssl command line into Options.
func (v vector) options(t *testing.T) *Options {
	t.Helper()
	o := &Options{Split: true}
	if v.pass != "-" {
		o.Password = []byte(v.pass)
	}
	args := strings.Fields(v.opts)
	for i := 0; i < len(args); i++ {
		a := strings.TrimPrefix(args[i], "-")
		next := func() string { i++; return args[i] }
		switch a {
		case "pbkdf2":
			o.KDF.PBKDF2 = true
		case "iter":
			o.KDF.PBKDF2 = true
			o.KDF.Iter, _ = strconv.Atoi(next())
		case "md":
			o.KDF.Digest = next()
		case "a":
			o.Base64 = true
		case "A":
			o.OneLine = true
		case "nosalt":
			o.NoSalt = true
		case "nopad":
			o.NoPad = true
		case "K":
			o.Key = unhex(t, next())
		case "iv":
			o.IV = unhex(t, next())
		default:
			c, ok := LookupCipher(a)
			if !ok {
				t.Fatalf("%s: unknown option %q", v.name, a)
			}
			o.Cipher = c
		}
	}
	return o
}

func TestVectorsEncrypt(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.name, func(t *testing.T) {
			randRead = func(b []byte) (int, error) { return copy(b, v.salt), nil }
			defer func() { randRead = defaultRandRead }()
			o := v.options(t)
			var keys Keys
			o.ShowKeys = func(k Keys) error { keys = k; return nil }
			var out bytes.Buffer
			if err := Encrypt(&out, bytes.NewReader(v.plaintext), o); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), v.message) {
				t.Errorf("output differs from openssl:\n got %x\nwant %x", out.Bytes(), v.message)
			}
			if !bytes.Equal(keys.Key, v.key) || !bytes.Equal(keys.IV, v.iv) {
				t.Errorf("key, iv = %x, %x; openssl: %x, %x", keys.Key, keys.IV, v.key, v.iv)
			}
		})
	}
}

func TestVectorsDecrypt(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.name, func(t *testing.T) {
			o := v.options(t)
			var out bytes.Buffer
			br := bufio.NewReader(bytes.NewReader(v.message))
			if err := Decrypt(br, &out, o); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), v.plaintext) {
				t.Errorf("plaintext:\n got %x\nwant %x", out.Bytes(), v.plaintext)
			}
			// The message ends where its text does; a newline after '=' padding stays for
			// the caller, who skips white space between messages.
			if rest, _ := io.ReadAll(br); len(bytes.TrimSpace(rest)) != 0 {
				t.Errorf("message not consumed: %q left", rest)
			}
		})
	}
}
