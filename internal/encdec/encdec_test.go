package encdec

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nckit/nckit/internal/native"
)

// run calls Ncenc or Ncdec in-process.
func run(t *testing.T, decrypt bool, stdin []byte, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	prog := "ncenc"
	if decrypt {
		prog = "ncdec"
	}
	cmd := Ncenc
	if decrypt {
		cmd = Ncdec
	}
	code = cmd(append([]string{prog}, args...), bytes.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// fast native parameters keep the tests quick; the format is the same.
var fast = []string{"-argon2-time", "2", "-argon2-memory", "19"}

func TestRoundTrips(t *testing.T) {
	msg := []byte("hello world\n")
	tests := []struct {
		name string
		enc  []string
		dec  []string
	}{
		{"native", fast, nil},
		{"native armor", append([]string{"-a"}, fast...), nil},
		{"openssl detected", []string{"-aes-256-cbc", "-pbkdf2"}, []string{"-detect"}},
		{"openssl base64 detected", []string{"-aes-256-cbc", "-pbkdf2", "-a"}, []string{"-detect"}},
		{"openssl -A detected", []string{"-aes-256-cbc", "-pbkdf2", "-a", "-A"}, []string{"-detect"}},
		{"openssl iter detected", []string{"-aes-256-cbc", "-iter", "99", "-md", "sha1"}, []string{"-detect", "-iter", "99", "-md", "sha1"}},
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
		{"dash value is no cipher", false, "x", []string{"-aes-256-cbc", "-pass", "pass:-aes-like-password", "-P"}, 0, ""},
		{"empty", true, "", []string{"-pass", "x"}, 1, "ncdec: no input: expected encrypted data\n"},
		{"white space only", true, " \r\n\n", []string{"-pass", "x"}, 1, "ncdec: no input: expected encrypted data\n"},
		{"trailing junk", true, good + "junk\n", []string{"-detect", "-pass", "pw"}, 1, "ncdec: message 2: unrecognized input after the previous message\n"},
		{"second message bad", true, good + good[:20] + "\n", []string{"-detect", "-pass", "pw"}, 1, ""},
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
	if _, _, code := run(t, true, []byte(bad), "-detect", "-pass", "pw", "-out", out); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if b, _ := os.ReadFile(out); string(b) != "old" {
		t.Errorf("failed decryption changed -out: %q", b)
	}
	if _, _, code := run(t, true, []byte(ct), "-detect", "-pass", "pw", "-out", out); code != 0 {
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
		out, stderr, code := run(t, true, []byte(in), "-detect", "-pass", "pw")
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
		{"reflected", bin, []string{"-label", c2l}, "", 3, "ncdec: wrong password, wrong label or corrupted header\n"},
		{"reflected armored", armored, []string{"-label", c2l}, "", 3, "ncdec: wrong password, wrong label or corrupted header\n"},
		{"label missing", bin, nil, "", 3, "ncdec: wrong password or corrupted header\n"},
		{"label unexpected", unlabelled, []string{"-label", l2c}, "", 3, "ncdec: wrong password, wrong label or corrupted header\n"},
		{"second stream reflected", bin + enc(t, "-label", c2l), []string{"-label", l2c}, msg, 3, "ncdec: message 2: wrong password, wrong label or corrupted header\n"},
		{"openssl message refused", openssl, []string{"-label", l2c}, "", 1,
			"ncdec: openssl-format message refused: with -label only nckit streams are accepted (openssl's format has no label)\n"},
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

// No downgrade: without a cipher option or -detect every openssl message is refused unread,
// wherever it comes; with -detect, an openssl message after a nckit stream is refused all the
// same.
func TestNativeOnly(t *testing.T) {
	const msg = "authenticated\n"
	nat, _, _ := run(t, false, []byte(msg), append([]string{"-pass", "pw"}, fast...)...)
	armored, _, _ := run(t, false, []byte(msg), append([]string{"-a", "-pass", "pw"}, fast...)...)
	osslB64, _, _ := run(t, false, []byte("forged\n"), "-aes-256-cbc", "-pbkdf2", "-a", "-pass", "pw")
	osslBin, _, _ := run(t, false, []byte("forged\n"), "-aes-256-cbc", "-pbkdf2", "-pass", "pw")
	const refused = "ncdec: openssl-format message refused: name its cipher (e.g. -aes-256-cbc -pbkdf2) or pass -detect\n"
	const sticky2 = "ncdec: message 2: openssl-format message refused after a nckit stream\n"
	tests := []struct {
		name   string
		in     string
		args   []string
		out    string
		code   int
		stderr string
	}{
		{"native", nat, nil, msg, 0, ""},
		{"-native names the default", nat, []string{"-native"}, msg, 0, ""},
		{"armored streams in a row", armored + "\n" + armored, nil, msg + msg, 0, ""},
		{"ncenc -d", nat, []string{"-d"}, msg, 0, ""},
		{"openssl base64", osslB64, nil, "", 1, refused},
		{"openssl binary", osslBin, []string{"-native"}, "", 1, refused},
		{"after a blank line", "\n" + osslB64, nil, "", 1, refused},
		{"after white space", " \r\n\t" + osslB64, nil, "", 1, refused},
		{"after a native stream", nat + osslBin, nil, msg, 1, sticky2},
		{"garbage", "garbage\n", nil, "", 1, "ncdec: unrecognized input: not nckit's format\n" +
			"ncdec: hint: for an openssl message name its cipher (e.g. -aes-256-cbc -pbkdf2)\n"},
		{"garbage with -detect", "garbage\n", []string{"-detect"}, "", 1, "ncdec: unrecognized input: neither nckit's format nor openssl enc's\n" +
			"ncdec: hint: openssl messages start with \"Salted__\" (or U2FsdGVkX1 in base64); for -nosalt, -S or -K name the cipher\n"},
		// -detect is sticky too: no downgrade in mid-stream
		{"sticky binary", nat + osslBin, []string{"-detect"}, msg, 1, sticky2},
		{"sticky base64", armored + osslB64, []string{"-detect"}, msg, 1, sticky2},
		{"sticky after a newline", armored + "\n" + osslB64, []string{"-detect"}, msg, 1, sticky2},
		{"sticky third message", nat + nat + osslB64, []string{"-detect"}, msg + msg, 1,
			"ncdec: message 3: openssl-format message refused after a nckit stream\n"},
		{"openssl then native", osslB64 + armored, []string{"-detect"}, "forged\n" + msg, 0, ""},
		{"openssl alone", osslBin, []string{"-detect"}, "forged\n", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			decrypt := !slices.Contains(tt.args, "-d")
			out, stderr, code := run(t, decrypt, []byte(tt.in), append([]string{"-pass", "pw"}, tt.args...)...)
			if code != tt.code || out != tt.out {
				t.Errorf("exit %d, output %q; want %d, %q (%s)", code, out, tt.code, tt.out, stderr)
			}
			if tt.stderr != "" && stderr != tt.stderr {
				t.Errorf("stderr %q, want exactly %q", stderr, tt.stderr)
			}
		})
	}
}

// openssl's format has no integrity: "Salted__" and 40 random bytes pass as a message about
// once in 256 (a valid CBC padding). By default not one of them gets through.
func TestNativeRefusesRandomSalted(t *testing.T) {
	for i := 0; i < 512; i++ {
		in := make([]byte, 48)
		copy(in, "Salted__")
		if _, err := io.ReadFull(rand.Reader, in[8:]); err != nil {
			t.Fatal(err)
		}
		out, stderr, code := run(t, true, in, "-pass", "pw")
		if code != 1 || out != "" {
			t.Fatalf("random message %x: exit %d, output %q (%s)", in, code, out, stderr)
		}
	}
}

// -out decides by file type: a regular file, wherever it lives (/dev/shm is a tmpfs of regular
// files), is replaced only on success; a device or FIFO is written in place.
func TestOutFileByType(t *testing.T) {
	big := bytes.Repeat([]byte("plaintext "), 10000) // several native records
	ct, _, _ := run(t, false, big, append([]string{"-pass", "pw"}, fast...)...)
	cut := ct[:len(ct)-10]

	dirs := []string{t.TempDir()}
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() && syscall.Access("/dev/shm", 2) == nil {
		dirs = append(dirs, "/dev/shm")
	}
	for _, dir := range dirs {
		f, err := os.CreateTemp(dir, "nckit-out-test-")
		if err != nil {
			t.Fatal(err)
		}
		out := f.Name()
		f.Close()
		os.Remove(out)
		t.Cleanup(func() { os.Remove(out) })
		_, stderr, code := run(t, true, []byte(cut), "-pass", "pw", "-out", out)
		if code != 3 || !strings.Contains(stderr, "truncated") {
			t.Errorf("%s: exit %d (%s)", dir, code, stderr)
		}
		if _, err := os.Lstat(out); !os.IsNotExist(err) {
			t.Errorf("%s: a failed decryption left %s (%v)", dir, out, err)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "."+filepath.Base(out)+".*")); len(left) > 0 {
			t.Errorf("%s: temporary files left: %v", dir, left)
		}
		if _, stderr, code := run(t, true, []byte(ct), "-pass", "pw", "-out", out); code != 0 {
			t.Errorf("%s: exit %d (%s)", dir, code, stderr)
		}
		if b, _ := os.ReadFile(out); !bytes.Equal(b, big) {
			t.Errorf("%s: -out holds %d bytes, want %d", dir, len(b), len(big))
		}
	}

	// /dev/null stays the device it is
	if _, stderr, code := run(t, true, []byte(ct), "-pass", "pw", "-out", "/dev/null"); code != 0 {
		t.Errorf("-out /dev/null: exit %d (%s)", code, stderr)
	}
	if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a character device: %v %v", fi, err)
	}

	// a FIFO, reached through a symbolic link, is written in place, as the data comes
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- b
	}()
	if _, stderr, code := run(t, true, []byte(ct), "-pass", "pw", "-out", link); code != 0 {
		t.Errorf("-out FIFO: exit %d (%s)", code, stderr)
	}
	if b := <-got; !bytes.Equal(b, big) {
		t.Errorf("the FIFO's reader got %d bytes, want %d", len(b), len(big))
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi, err)
	}
}

func TestIsDescriptor(t *testing.T) {
	dir := t.TempDir()
	toStdout := filepath.Join(dir, "out")
	if err := os.Symlink("/dev/stdout", toStdout); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{
		"/dev/stdout": true, "/dev/fd/1": true, "/proc/self/fd/2": true, toStdout: true,
		"/dev/shm/x": false, filepath.Join(dir, "file"): false, "/proc/self/fdinfo/1": false,
	} {
		if got := isDescriptor(path); got != want {
			t.Errorf("isDescriptor(%q) = %v, want %v", path, got, want)
		}
	}
}

// writeLog is a stdout that counts Write calls and can be read while Main runs.
type writeLog struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (w *writeLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	return w.b.Write(p)
}

func (w *writeLog) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// waitFor polls until the log holds want, or fails after a few seconds.
func (w *writeLog) waitFor(t *testing.T, want string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if w.String() == want {
			return
		}
	}
	t.Fatalf("stdout %q, want %q while the input is still open", w.String(), want)
}

// TestDecryptFlushesBeforeWaiting: ncdec collects plaintext, but a line whose record (or
// message) is complete leaves before ncdec waits for more input.
func TestDecryptFlushesBeforeWaiting(t *testing.T) {
	nativeParts := func(armor bool) []string {
		var buf bytes.Buffer
		w, err := native.NewWriter(&buf, []byte("pw"), native.Params{Time: 2, MemoryKiB: 19 << 10, Threads: 1}, armor)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, line := range []string{"one\n", "two\n"} {
			w.Write([]byte(line))
			parts = append(parts, buf.String())
			buf.Reset()
		}
		w.Close()
		return append(parts, buf.String())
	}
	ossl := func(line string) string {
		ct, _, _ := run(t, false, []byte(line), "-aes-256-cbc", "-pbkdf2", "-a", "-pass", "pw")
		return ct
	}
	for name, parts := range map[string][]string{
		"native":         nativeParts(false),
		"native armored": nativeParts(true),
		// '=' padding ends each base64 message in the text itself
		"openssl base64": {ossl("one\n"), ossl("two\n"), ""},
	} {
		t.Run(name, func(t *testing.T) {
			pr, pw := io.Pipe()
			var out, errb writeLog
			done := make(chan int, 1)
			go func() { done <- Ncdec([]string{"ncdec", "-detect", "-pass", "pw"}, pr, &out, &errb) }()
			want := ""
			for i, line := range []string{"one\n", "two\n"} {
				if _, err := io.WriteString(pw, parts[i]); err != nil {
					t.Fatal(err)
				}
				want += line
				out.waitFor(t, want)
			}
			io.WriteString(pw, parts[2])
			pw.Close()
			if code := <-done; code != 0 || out.String() != want {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
			}
		})
	}
}

// TestWritesPerRead: bulk data costs one output write per input read, not one per record.
func TestWritesPerRead(t *testing.T) {
	plain := make([]byte, 1<<20)
	rand.Read(plain)
	var ct writeLog
	if code := Ncenc(append([]string{"ncenc", "-pass", "pass:pw"}, fast...), bytes.NewReader(plain), &ct, io.Discard); code != 0 {
		t.Fatalf("ncenc: exit %d", code)
	}
	// the header's public part, its commitment, one write per read of native.WriteBatch
	// bytes, END
	if want := 3 + (len(plain)+native.WriteBatch-1)/native.WriteBatch; ct.writes != want {
		t.Errorf("ncenc: %d writes for %d records, want %d", ct.writes, len(plain)/native.RecordSize+2, want)
	}
	var pt writeLog
	if code := Ncdec([]string{"ncdec", "-pass", "pass:pw"}, bytes.NewReader(ct.b.Bytes()), &pt, io.Discard); code != 0 {
		t.Fatalf("ncdec: exit %d", code)
	}
	// one write per read of bufSize bytes of input, and one at the end
	if max := 2 + ct.b.Len()/bufSize; pt.writes > max || !bytes.Equal(pt.b.Bytes(), plain) {
		t.Errorf("ncdec: %d writes for %d records, want at most %d (output ok: %v)",
			pt.writes, len(plain)/native.RecordSize, max, bytes.Equal(pt.b.Bytes(), plain))
	}
}

// TestPassStdin: -pass stdin takes the first line of stdin and the rest is the data, which
// bypasses the small line buffer once it is empty.
func TestPassStdin(t *testing.T) {
	data := make([]byte, 3*bufSize+5)
	rand.Read(data)
	for name, enc := range map[string][]string{
		"native":  fast,
		"openssl": {"-aes-256-cbc", "-pbkdf2"},
	} {
		dec := enc[:0:0]
		if name == "openssl" {
			dec = enc
		}
		t.Run(name, func(t *testing.T) {
			ct, stderr, code := run(t, false, append([]byte("pw\n"), data...), append(enc, "-pass", "stdin")...)
			if code != 0 {
				t.Fatalf("ncenc: %d %s", code, stderr)
			}
			pt, stderr, code := run(t, true, append([]byte("pw\n"), ct...), append(dec, "-pass", "stdin", "-v")...)
			if code != 0 || pt != string(data) {
				t.Fatalf("ncdec: %d, %d bytes, %s", code, len(pt), stderr)
			}
			if want := fmt.Sprintf("bytes read   : %8d\nbytes written: %8d\n", len(ct), len(data)); !strings.HasSuffix(stderr, want) {
				t.Errorf("-v: %q, want it to end with %q", stderr, want)
			}
		})
	}
}

// Empty input round-trips in every format, cipher and option set, as with openssl (issue 15).
func TestEmptyRoundTrips(t *testing.T) {
	const k, iv = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "f0e0d0c0b0a090807060504030201000"
	sets := [][]string{{"-pbkdf2"}, {"-md", "md5"}, {"-nosalt", "-pbkdf2"}, {"-S", "0102030405060708", "-pbkdf2"},
		{"-K", k, "-iv", iv}, {"-nopad", "-K", k, "-iv", iv}, {"-nopad", "-K", k, "-iv", iv, "-pass", "pass:pw"},
		{"-nopad", "-pbkdf2"}, {"-bufsize", "8k", "-pbkdf2"}}
	var cases [][]string
	for _, c := range []string{"-aes-128-cbc", "-aes-256-cbc", "-aes-192-ctr", "-chacha20"} {
		for _, m := range [][]string{nil, {"-a"}, {"-a", "-A"}} {
			for _, o := range sets {
				args := append(append([]string{c}, m...), o...)
				if !slices.Contains(o, "-K") {
					args = append(args, "-pass", "pass:pw")
				}
				cases = append(cases, args)
			}
		}
	}
	cases = append(cases, append([]string{"-pass", "pw"}, fast...), append([]string{"-a", "-pass", "pw"}, fast...))
	for _, args := range cases {
		ct, stderr, code := run(t, false, nil, args...)
		if code != 0 {
			t.Fatalf("ncenc %q: exit %d (%s)", args, code, stderr)
		}
		dec := slices.DeleteFunc(slices.Clone(args), func(a string) bool { return a == "-argon2-memory" || a == "19" || a == "-argon2-time" || a == "2" })
		if out, stderr, code := run(t, true, []byte(ct), dec...); code != 0 || out != "" {
			t.Errorf("ncdec %q of %d bytes: exit %d, %q (%s)", dec, len(ct), code, out, stderr)
		}
	}
}
