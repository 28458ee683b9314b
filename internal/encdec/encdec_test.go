package encdec

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nckit/nckit/internal/native"
)

// run calls Main in-process.
func run(t *testing.T, decrypt bool, stdin []byte, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	prog := "ncenc"
	if decrypt {
		prog = "ncdec"
	}
	code = Main(append([]string{prog}, args...), bytes.NewReader(stdin), &out, &errb, decrypt)
	return out.String(), errb.String(), code
}

// fast native parameters keep the tests quick; the format is the same.
var fast = []string{"-argon2-time", "1", "-argon2-memory", "8"}

func TestRoundTrips(t *testing.T) {
	msg := []byte("hello world\n")
	tests := []struct {
		name string
		enc  []string
		dec  []string
	}{
		{"native", fast, nil},
		{"native armor", append([]string{"-a"}, fast...), nil},
		{"openssl detected", []string{"-aes-256-cbc", "-pbkdf2"}, nil},
		{"openssl base64 detected", []string{"-aes-256-cbc", "-pbkdf2", "-a"}, nil},
		{"openssl -A detected", []string{"-aes-256-cbc", "-pbkdf2", "-a", "-A"}, nil},
		{"openssl iter detected", []string{"-aes-256-cbc", "-iter", "99", "-md", "sha1"}, []string{"-iter", "99", "-md", "sha1"}},
		{"legacy", []string{"-aes-128-cbc", "-md", "md5"}, []string{"-aes-128-cbc", "-md", "md5"}},
		{"ctr base64", []string{"-aes-192-ctr", "-pbkdf2", "-a"}, []string{"-aes-192-ctr", "-pbkdf2", "-a"}},
		{"chacha20 nosalt", []string{"-chacha20", "-pbkdf2", "-nosalt"}, []string{"-chacha20", "-pbkdf2", "-nosalt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, stderr, code := run(t, false, msg, append(tt.enc, "-pass", "pass:pw")...)
			if code != 0 {
				t.Fatalf("ncenc: %d %s", code, stderr)
			}
			pt, stderr, code := run(t, true, []byte(ct), append(tt.dec, "-pass", "pw")...)
			if code != 0 || pt != string(msg) {
				t.Fatalf("ncdec: %d %q %s", code, pt, stderr)
			}
			// ncenc -d is ncdec
			pt, _, code = run(t, false, []byte(ct), append(tt.dec, "-d", "-k", "pw")...)
			if code != 0 || pt != string(msg) {
				t.Fatalf("ncenc -d: %d %q", code, pt)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	good, _, _ := run(t, false, []byte("x"), "-aes-256-cbc", "-pbkdf2", "-a", "-pass", "pw")
	tests := []struct {
		name    string
		decrypt bool
		stdin   string
		args    []string
		code    int
		stderr  string
	}{
		{"unknown flag", false, "", []string{"-frobnicate"}, 2, "ncenc: unknown flag -frobnicate\n"},
		{"unsupported cipher", false, "", []string{"-aes-256-ofb", "-pass", "x"}, 1, "ncenc: unsupported cipher -aes-256-ofb\n"},
		{"dash value is no cipher", false, "x", []string{"-aes-256-cbc", "-pass", "-aes-like-password", "-P"}, 0, ""},
		{"iter 0", false, "", []string{"-aes-256-cbc", "-iter", "0", "-pass", "x"}, 1, "ncenc: -iter 0: the iteration count must be a positive number\n"},
		{"bad hex", true, "", []string{"-aes-256-cbc", "-S", "xx", "-pass", "x"}, 1, "ncdec: -S: invalid hex value: encoding/hex: invalid byte: U+0078 'x'\n"},
		{"nosalt needs cipher", true, "", []string{"-nosalt", "-pass", "x"}, 2, "ncdec: -nosalt needs an openssl cipher option such as -aes-256-cbc\n"},
		{"operand", true, "", []string{"file"}, 2, "ncdec: unexpected operand \"file\": input comes from stdin or -in FILE\n"},
		{"argon2 ceiling", false, "", []string{"-argon2-time", "99", "-pass", "x"}, 2, ""},
		{"empty", true, "", []string{"-pass", "x"}, 1, "ncdec: no input: expected encrypted data\n"},
		{"white space only", true, " \r\n\n", []string{"-pass", "x"}, 1, "ncdec: no input: expected encrypted data\n"},
		{"trailing junk", true, good + "junk\n", []string{"-pass", "pw"}, 1, "ncdec: message 2: unrecognized input after the previous message\n"},
		{"second message bad", true, good + good[:20] + "\n", []string{"-pass", "pw"}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, tt.decrypt, []byte(tt.stdin), tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (%s)", code, tt.code, stderr)
			}
			first := stderr
			if i := strings.Index(stderr, "\n"); i >= 0 {
				first = stderr[:i+1]
			}
			if tt.stderr != "" && first != tt.stderr {
				t.Errorf("stderr %q, want %q", first, tt.stderr)
			}
			if strings.Count(stderr, "\n") > 2 {
				t.Errorf("more than an error and a hint: %q", stderr)
			}
		})
	}
}

func TestOutFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.WriteFile(out, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	ct, _, _ := run(t, false, bytes.Repeat([]byte("x"), 100), "-aes-256-cbc", "-pbkdf2", "-pass", "pw")
	bad := ct[:len(ct)-1]
	if _, _, code := run(t, true, []byte(bad), "-pass", "pw", "-out", out); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if b, _ := os.ReadFile(out); string(b) != "old" {
		t.Errorf("failed decryption changed -out: %q", b)
	}
	if _, _, code := run(t, true, []byte(ct), "-pass", "pw", "-out", out); code != 0 {
		t.Fatalf("exit %d", code)
	}
	b, _ := os.ReadFile(out)
	fi, _ := os.Stat(out)
	if string(b) != strings.Repeat("x", 100) || fi.Mode().Perm() != 0o640 {
		t.Errorf("-out = %q, mode %v", b, fi.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestPrintOnly(t *testing.T) {
	out, _, code := run(t, false, nil, "-aes-256-cbc", "-pbkdf2", "-S", "0102030405060708", "-pass", "chatpassword", "-P")
	want := "salt=0102030405060708\nkey=F5EC5DD9913FB4D1A49F27D397BECE73FD57EDEEE31C7C008E67CA65C07D24ED\niv =B4227366FD10F8099F34AEE2FAC14FC9\n"
	if code != 0 || out != want {
		t.Errorf("-P: %d %q", code, out)
	}
}

func TestNativeArmorAfterOpenSSLBase64(t *testing.T) {
	if !native.IsStart([]byte(nativeArmorStart)) {
		t.Fatalf("native.IsStart(%q) is false: the armor magic changed", nativeArmorStart)
	}
	// 16 bytes of plaintext: exactly one full 64-column line without padding, so nothing in
	// the openssl text itself shows where it ends.
	first, _, _ := run(t, false, []byte("sixteen bytes!!\n"), "-aes-256-cbc", "-pbkdf2", "-a", "-pass", "pw")
	second, _, _ := run(t, false, []byte("native\n"), append([]string{"-a", "-pass", "pw"}, fast...)...)
	for _, in := range []string{first + second, strings.TrimSuffix(first, "\n") + second} {
		out, stderr, code := run(t, true, []byte(in), "-pass", "pw")
		if code != 0 || out != "sixteen bytes!!\nnative\n" {
			t.Errorf("got %d %q %s", code, out, stderr)
		}
	}
}

// The label keeps a stream to the context it was written for (FORMAT.md section 12): the
// chat gives each direction its own, so a stream reflected to its sender is refused.
func TestLabel(t *testing.T) {
	const l2c, c2l = "nckit chat: listener to connector", "nckit chat: connector to listener"
	msg := "words of the listener\n"
	enc := func(t *testing.T, extra ...string) string {
		t.Helper()
		ct, stderr, code := run(t, false, []byte(msg), append(append([]string{"-pass", "pw"}, fast...), extra...)...)
		if code != 0 {
			t.Fatalf("ncenc %q: %d %s", extra, code, stderr)
		}
		return ct
	}
	bin, armored := enc(t, "-label", l2c), enc(t, "-a", "-label", l2c)
	unlabelled := enc(t)
	long := strings.Repeat("x", 255)
	openssl, _, _ := run(t, false, []byte(msg), "-aes-256-cbc", "-pbkdf2", "-a", "-pass", "pw")

	tests := []struct {
		name   string
		in     string
		args   []string
		out    string
		code   int
		stderr string
	}{
		{"binary", bin, []string{"-label", l2c}, msg, 0, ""},
		{"armored", armored, []string{"-label", l2c}, msg, 0, ""},
		{"ncenc -d", bin, []string{"-d", "-label", l2c}, msg, 0, ""},
		{"one stream after another", bin + armored, []string{"-label", l2c}, msg + msg, 0, ""},
		{"longest label", enc(t, "-label", long), []string{"-label", long}, msg, 0, ""},
		{"empty label is none", unlabelled, []string{"-label", ""}, msg, 0, ""},
		{"reflected", bin, []string{"-label", c2l}, "", 1, "ncdec: wrong password (or wrong label)\n"},
		{"reflected armored", armored, []string{"-label", c2l}, "", 1, "ncdec: wrong password (or wrong label)\n"},
		{"label missing", bin, nil, "", 1, "ncdec: wrong password\n"},
		{"label unexpected", unlabelled, []string{"-label", l2c}, "", 1, "ncdec: wrong password (or wrong label)\n"},
		{"second stream reflected", bin + enc(t, "-label", c2l), []string{"-label", l2c}, msg, 1, "ncdec: message 2: wrong password (or wrong label)\n"},
		{"openssl message refused", openssl, []string{"-label", l2c}, "", 1,
			"ncdec: openssl message refused: with -label only nckit streams are accepted (openssl's format has no label)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			decrypt := !slices.Contains(tt.args, "-d")
			out, stderr, code := run(t, decrypt, []byte(tt.in), append([]string{"-pass", "pw"}, tt.args...)...)
			if code != tt.code || out != tt.out {
				t.Errorf("exit %d, output %q; want %d, %q (%s)", code, out, tt.code, tt.out, stderr)
			}
			if first, _, _ := strings.Cut(stderr, "\n"); tt.stderr != "" && first+"\n" != tt.stderr {
				t.Errorf("stderr %q, want %q", stderr, tt.stderr)
			}
		})
	}
}

func TestLabelUsage(t *testing.T) {
	tests := []struct {
		name    string
		decrypt bool
		args    []string
		stderr  string
	}{
		{"ncenc with a cipher", false, []string{"-aes-256-cbc", "-pbkdf2", "-label", "x"},
			"ncenc: cannot use -label and -aes-256-cbc together: openssl's format has no label\n"},
		{"ncdec with a cipher", true, []string{"-label", "x", "-chacha20", "-pbkdf2"},
			"ncdec: cannot use -label and -chacha20 together: openssl's format has no label\n"},
		{"empty label with a cipher", false, []string{"-aes-256-cbc", "-label", ""},
			"ncenc: cannot use -label and -aes-256-cbc together: openssl's format has no label\n"},
		{"too long", false, []string{"-label", strings.Repeat("x", 256)},
			"ncenc: -label is 256 bytes long, at most 255\n"},
		{"missing value", true, []string{"-label"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := run(t, tt.decrypt, []byte("x"), append([]string{"-pass", "pw"}, tt.args...)...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, output %q; want 2 and none (%s)", code, out, stderr)
			}
			if first, _, _ := strings.Cut(stderr, "\n"); tt.stderr != "" && first+"\n" != tt.stderr {
				t.Errorf("stderr %q, want %q", stderr, tt.stderr)
			}
		})
	}
}
