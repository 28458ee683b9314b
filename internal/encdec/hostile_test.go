package encdec

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// header returns a version 1 native header asking for these Argon2id parameters, with a
// commitment that matches no password.
func header(t, mKiB uint32, p uint8) []byte {
	h := []byte("\x9d\xc9\x22\xb4\x43\x42\x01")
	h = append(h, byte(t))
	h = binary.BigEndian.AppendUint32(h, mKiB)
	h = append(h, p)
	return append(h, make([]byte, 16+32)...)
}

// The receiver's KDF window is checked before anything is allocated or derived: a hostile
// header can make ncdec neither spend memory and time nor make guessing cheap.
func TestKDFWindow(t *testing.T) {
	const over = "ncdec: header asks argon2 memory 1048576 KiB, over this receiver's ceiling 262144 KiB (-argon2-max-memory MIB widens it)\n"
	tests := []struct {
		name   string
		hdr    []byte
		args   []string
		stderr string
	}{
		{"1 GiB", header(1, 1<<20, 1), nil, over},
		{"cheap", header(1, 8, 1), nil,
			"ncdec: header asks argon2 memory 8 KiB, under the floor 7168 KiB: too cheap to guess against\n"},
		{"cheap passes", header(1, 19<<10, 1), nil,
			"ncdec: header asks argon2 time 1 with memory 19456 KiB (19456 KiB of passes), under the floor 38 MiB of passes: too cheap to guess against\n"},
		{"work", header(4, 256<<10, 1), nil,
			"ncdec: header asks argon2 time 4 with memory 262144 KiB (1024 MiB of passes), over this receiver's ceiling 512 MiB of passes (-argon2-max-time N widens it)\n"},
		{"lanes", header(2, 64<<10, 8), nil,
			"ncdec: header asks argon2 threads 8, over this receiver's ceiling 4 (-argon2-threads 8 accepts exactly that)\n"},
		{"widened, still over", header(1, 1<<20, 1), []string{"-argon2-max-memory", "512"},
			"ncdec: header asks argon2 memory 1048576 KiB, over this receiver's ceiling 524288 KiB (-argon2-max-memory MIB widens it)\n"},
		{"pinned cost, threads not", header(2, 64<<10, 16), []string{"-argon2-time", "2", "-argon2-memory", "64"},
			"ncdec: header asks argon2 threads 16, over this receiver's ceiling 4 (-argon2-threads 16 accepts exactly that)\n"},
		{"pinned", header(2, 64<<10, 1), []string{"-argon2-time", "3"},
			"ncdec: header asks argon2 time 2, memory 65536 KiB, threads 1: not the pinned -argon2-time 3\n"},
		// within the window the password decides
		{"default", header(2, 64<<10, 1), nil, "ncdec: wrong password or corrupted header\n"},
		{"pinned cheap", header(1, 8<<10, 1), []string{"-argon2-time", "1", "-argon2-memory", "8"},
			"ncdec: wrong password or corrupted header\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := run(t, true, tt.hdr, append([]string{"-pass", "pw"}, tt.args...)...)
			if code != 3 || out != "" || stderr != tt.stderr {
				t.Errorf("exit %d, stdout %q, stderr %q; want 3, none, %q", code, out, stderr, tt.stderr)
			}
		})
	}
}

// A 1 GiB header is refused at once, without allocating for Argon2id.
func TestHugeHeaderCostsNothing(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, _, code := run(t, true, header(16, 1<<20, 1), "-pass", "pw")
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; code != 3 || took > 500*time.Millisecond || alloc > 4<<20 {
		t.Errorf("exit %d after %v, %d bytes allocated", code, took, alloc)
	}
}

// ncenc writes nothing that a default receiver would refuse, with the same messages.
func TestEncWindow(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"-argon2-memory", "512"}, "ncenc: the -argon2 options ask argon2 memory 524288 KiB, over the ceiling 262144 KiB (-argon2-max-memory MIB widens it)\n"},
		{[]string{"-argon2-time", "1", "-argon2-memory", "8"}, "ncenc: the -argon2 options ask argon2 time 1 with memory 8192 KiB (8192 KiB of passes), under the floor 38 MiB of passes: too cheap to guess against\n"},
		{[]string{"-argon2-threads", "5"}, "ncenc: the -argon2 options ask argon2 threads 5, over the ceiling 4\n"},
		{[]string{"-argon2-time", "3", "-argon2-memory", "256"}, "ncenc: the -argon2 options ask argon2 time 3 with memory 262144 KiB (768 MiB of passes), over the ceiling 512 MiB of passes (-argon2-max-time N widens it)\n"},
	}
	for _, tt := range tests {
		out, stderr, code := run(t, false, nil, append([]string{"-pass", "pw"}, tt.args...)...)
		if code != 1 || out != "" || stderr != tt.stderr {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 1, none, %q", tt.args, code, out, stderr, tt.stderr)
		}
	}
	// widened on both sides, the stream goes through
	wide := []string{"-pass", "pw", "-argon2-time", "1", "-argon2-memory", "600", "-argon2-max-memory", "600"}
	ct, stderr, code := run(t, false, []byte("big\n"), wide...)
	if code != 0 {
		t.Fatalf("ncenc %q: exit %d (%s)", wide, code, stderr)
	}
	if out, stderr, code := run(t, true, []byte(ct), "-pass", "pw", "-argon2-max-memory", "600"); code != 0 || out != "big\n" {
		t.Errorf("ncdec -argon2-max-memory 600: exit %d, %q (%s)", code, out, stderr)
	}
}

// drainCounter counts what ncdec reads of its input.
type drainCounter struct {
	r io.Reader
	n int
}

func (d *drainCounter) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	d.n += n
	return n, err
}

// Under ncl --each a failed openssl message is read to its end and exits 4, so that the
// connection closes as a success does and the peer learns nothing of the padding check.
func TestOpenSSLFailureUnderNcl(t *testing.T) {
	ct, _, _ := run(t, false, bytes.Repeat([]byte("x"), 100), "-aes-256-cbc", "-pbkdf2", "-pass", "pw")
	in := []byte(ct[:len(ct)-3] + strings.Repeat("tail", 1000)) // no longer whole blocks
	dec := []string{"ncdec", "-aes-256-cbc", "-pbkdf2", "-pass", "pw"}
	for _, peer := range []bool{false, true} {
		if peer {
			t.Setenv("NCL_PEER", "127.0.0.1:40000")
		}
		src := &drainCounter{r: bytes.NewReader(in)}
		var out, errb bytes.Buffer
		code := Ncdec(dec, src, &out, &errb)
		want := 1
		if peer {
			want = 4
		}
		if code != want || out.Len() != 0 || src.n != len(in) || !strings.HasPrefix(errb.String(), "ncdec: bad decrypt: ") {
			t.Errorf("NCL_PEER %v: exit %d (want %d), %d of %d bytes read, %d bytes out, stderr %q",
				peer, code, want, src.n, len(in), out.Len(), errb.String())
		}
	}
	// bad magic is key-independent: exit 1 even under ncl
	if _, stderr, code := run(t, true, []byte("Xalted__0123456789abcdef"), dec[1:]...); code != 1 {
		t.Errorf("bad magic under ncl: exit %d (%s)", code, stderr)
	}
}

// TestOneOpenSSLMessageUnderNcl: under ncl --each, what follows an openssl message is read
// to its end and ignored whether the padding check passed or not, so a good padding shows
// neither in the exit status class (0 and 4 close alike) nor in how much is read.
func TestOneOpenSSLMessageUnderNcl(t *testing.T) {
	t.Setenv("NCL_PEER", "127.0.0.1:40000")
	for _, a := range [][]string{{"-aes-256-cbc", "-pbkdf2", "-a"}, {"-aes-256-cbc", "-pbkdf2"}} {
		ct, _, _ := run(t, false, []byte("hi\n"), append([]string{"-pass", "pw"}, a...)...)
		// with the wrong password the same message fails its padding check (or, once in 256,
		// passes it with garbage): either way the peer must see the same
		for _, tail := range []string{"", "\nnckitENC\n", "Salted__"} {
			for _, pw := range []string{"pw", "wrong"} {
				in := append([]byte(ct), tail...)
				src := &drainCounter{r: bytes.NewReader(in)}
				var out, errb bytes.Buffer
				code := Ncdec(append([]string{"ncdec", "-pass", pw}, a...), src, &out, &errb)
				ok := code == 0 || code == 4
				if !ok || src.n != len(in) {
					t.Errorf("%q tail %q pass %s: exit %d, %d of %d bytes read (%s)", a, tail, pw, code, src.n, len(in), errb.String())
				}
			}
		}
	}
}

func TestLeadingSpaceBound(t *testing.T) {
	ct, _, _ := run(t, false, []byte("hi\n"), "-aes-256-cbc", "-pbkdf2", "-a", "-pass", "pw")
	dec := []string{"-aes-256-cbc", "-pbkdf2", "-a", "-pass", "pw"}
	if out, stderr, code := run(t, true, []byte(strings.Repeat(" ", 4096)+ct), dec...); code != 0 || out != "hi\n" {
		t.Errorf("4096 spaces: exit %d, %q (%s)", code, out, stderr)
	}
	out, stderr, code := run(t, true, []byte(strings.Repeat("\n", 4097)+ct), dec...)
	if code != 1 || out != "" || stderr != "ncdec: more than 4096 bytes of white space before a message\n" {
		t.Errorf("4097 newlines: exit %d, %q, %q", code, out, stderr)
	}
}

// stall returns a reader that yields b, then blocks until the test ends.
func stall(t *testing.T, b []byte) io.Reader {
	pr, pw := io.Pipe()
	go func() { _, _ = pw.Write(b) }()
	t.Cleanup(func() { pw.Close() })
	return pr
}

// A peer that starts a message and stops cannot hold ncdec: the header, each record and each
// openssl message have deadlines from their first byte, and under ncl --each the first
// message from ncdec's start.
func TestDeadlines(t *testing.T) {
	nat, _, _ := run(t, false, []byte("one\n"), append([]string{"-pass", "pw"}, fast...)...)
	ossl, _, _ := run(t, false, []byte("one\n"), "-aes-256-cbc", "-pbkdf2", "-pass", "pw")
	const ht = "timed out: the message's header did not arrive within 200ms (-header-timeout SECS changes it)\n"
	tests := []struct {
		name   string
		peer   bool
		in     []byte
		args   []string
		out    string
		stderr string
	}{
		{"header", false, []byte(nat[:20]), nil, "", "ncdec: reading input: timed out: the message's header did not arrive within 200ms (-header-timeout SECS changes it)\n"},
		// the commitment is awaited from the end of this side's Argon2id run
		{"commitment", false, []byte(nat[:30]), nil, "", "ncdec: reading input: timed out: the rest of the header did not arrive within 200ms (-header-timeout SECS changes it)\n"},
		{"white space", false, []byte("  "), nil, "", "ncdec: " + ht},
		{"record", false, []byte(nat[:61+5]), nil, "", "ncdec: reading input: timed out: a record did not arrive within 200ms (-header-timeout SECS changes it)\n"},
		{"openssl", false, []byte(ossl[:20]), []string{"-aes-256-cbc", "-pbkdf2"}, "", "ncdec: timed out: the openssl message did not arrive within 200ms (-message-timeout SECS changes it)\n"},
		{"idle under ncl", true, nil, nil, "", "ncdec: timed out: no message began within 200ms (-header-timeout SECS changes it)\n"},
		{"start of a stream", false, []byte("nckitE"), nil, "", "ncdec: " + ht},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.peer {
				t.Setenv("NCL_PEER", "127.0.0.1:40000")
			}
			args := append([]string{"ncdec", "-pass", "pw", "-header-timeout", "0.2", "-message-timeout", "0.2"}, tt.args...)
			var out, errb bytes.Buffer
			start := time.Now()
			code := Ncdec(args, stall(t, tt.in), &out, &errb)
			if took := time.Since(start); code != 1 || out.String() != tt.out || errb.String() != tt.stderr || took > 3*time.Second {
				t.Errorf("exit %d after %v, stdout %q, stderr %q; want 1, %q, %q", code, took, out.String(), errb.String(), tt.out, tt.stderr)
			}
		})
	}
	// an idle pipe between records or messages is no failure: a chat may pause
	pr, pw := io.Pipe()
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- Ncdec([]string{"ncdec", "-pass", "pw", "-header-timeout", "0.1"}, pr, &out, &errb) }()
	end := len(nat) - 2 - 17 // the END record
	pw.Write([]byte(nat[:end]))
	time.Sleep(300 * time.Millisecond) // longer than the deadline, on purpose: no deadline runs here
	pw.Write([]byte(nat[end:]))
	pw.Close()
	if code := <-done; code != 0 || out.String() != "one\n" {
		t.Errorf("a pause between records: exit %d, %q, %q", code, out.String(), errb.String())
	}
}

// No error message shows any part of a password, and an empty one is refused everywhere.
func TestPasswordMessages(t *testing.T) {
	tests := []struct {
		name   string
		env    string
		args   []string
		stderr string
	}{
		{"looks like a source", "", []string{"-pass", "Hunter:correct horse"},
			"ncenc: invalid -pass argument: an unknown source before \":\"\n" +
				"ncenc: hint: sources are pass:STR, env:VAR, file:PATH, fd:N and stdin; for a password that looks like one, write pass:STR\n"},
		{"an option", "", []string{"-pass", "-a"}, "ncenc: invalid -pass argument: it starts with \"-\" (an option where the password should be?)\n" +
			"ncenc: hint: use pass:STR or file:PATH\n"},
		{"a file", "", []string{"-pass", "/etc/passwd"}, "ncenc: invalid -pass argument: it names an existing file\n" +
			"ncenc: hint: use pass:STR or file:PATH (file:PATH reads the password from the file)\n"},
		{"empty pass:", "", []string{"-pass", "pass:"}, "ncenc: empty password refused (-pass)\n"},
		{"empty -k", "", []string{"-k", ""}, "ncenc: empty password refused (-k)\n"},
		{"empty NCPASS", "set", nil, "ncenc: empty password refused (NCPASS)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("NCPASS", "")
			}
			out, stderr, code := run(t, false, []byte("x"), tt.args...)
			if code != 1 || out != "" || stderr != tt.stderr {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1, none, %q", code, out, stderr, tt.stderr)
			}
		})
	}
}

// The same through a real pipe, whose reads wait in poll(2).
func TestDeadlineOnPipe(t *testing.T) {
	nat, _, _ := run(t, false, []byte("one\n"), append([]string{"-pass", "pw"}, fast...)...)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	w.Write([]byte(nat[:61+5]))
	var out, errb bytes.Buffer
	start := time.Now()
	code := Ncdec([]string{"ncdec", "-pass", "pw", "-header-timeout", "0.2"}, r, &out, &errb)
	want := "ncdec: reading input: timed out: a record did not arrive within 200ms (-header-timeout SECS changes it)\n"
	if took := time.Since(start); code != 1 || errb.String() != want || took > 3*time.Second {
		t.Errorf("exit %d after %v, stderr %q", code, took, errb.String())
	}
}
