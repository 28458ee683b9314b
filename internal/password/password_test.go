package password

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// The expectations follow what openssl 3.0 does with the same sources.
func TestFromSource(t *testing.T) {
	long := strings.Repeat("x", 2000)
	tests := []struct {
		name, src string
		want      string
		err       error
	}{
		{"pass", "pass:chatpassword", "chatpassword", nil},
		{"pass empty", "pass:", "", nil},
		{"pass with colon", "pass:a:b", "a:b", nil},
		{"bare", "chatpassword", "chatpassword", nil},
		{"bare with space", "my pass", "my pass", nil},
		{"bare digits before colon", "12:34", "12:34", nil},
		{"bare mixed prefix", "pass1:x", "pass1:x", nil},
		{"bare leading colon", ":x", ":x", nil},
		{"bare non-ascii prefix", "mötley:crüe", "mötley:crüe", nil},
		{"bare longer word", "password", "password", nil},
		{"keyword env", "env", "", ErrSourceSyntax},
		{"keyword pass", "pass", "", ErrSourceSyntax},
		{"keyword file", "file", "", ErrSourceSyntax},
		{"keyword fd", "fd", "", ErrSourceSyntax},
		{"keyword Env", "Env", "", ErrSourceSyntax},
		{"keyword STDIN", "STDIN", "", ErrSourceSyntax},
		{"misspelt prefix", "evn:PW", "", ErrSourceSyntax},
		{"capitalised prefix", "Env:PW", "", ErrSourceSyntax},
		{"upper-case prefix", "PASS:x", "", ErrSourceSyntax},
		{"stdin prefix", "stdin:x", "", ErrSourceSyntax},
		{"letters prefix", "x:y", "", ErrSourceSyntax},
		{"letters prefix empty", "abc:", "", ErrSourceSyntax},
		{"env", "env:PW", "from env", nil},
		{"env empty", "env:EMPTY", "", nil},
		{"env unset", "env:NOPE", "", ErrSource},
		{"file", "file:" + writeFile(t, "secret\nsecond line\n"), "secret", nil},
		{"file keeps cr", "file:" + writeFile(t, "ab\r\ncd\n"), "ab\r", nil},
		{"file no newline", "file:" + writeFile(t, "secret"), "secret", nil},
		{"file empty line", "file:" + writeFile(t, "\n"), "", nil},
		{"file empty", "file:" + writeFile(t, ""), "", ErrSource},
		{"file long", "file:" + writeFile(t, long), long[:1023], nil},
		{"file missing", "file:/nonexistent/pw", "", ErrSource},
		{"fd bad", "fd:x", "", ErrSource},
	}
	getenv := env(map[string]string{"PW": "from env", "EMPTY": ""})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromSource(tt.src, nil, getenv)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStdinLeavesData(t *testing.T) {
	in := bufio.NewReader(strings.NewReader("pw\nthe data\n"))
	got, err := FromSource("stdin", in, nil)
	if err != nil || string(got) != "pw" {
		t.Fatalf("got %q, %v", got, err)
	}
	rest, _ := io.ReadAll(in)
	if string(rest) != "the data\n" {
		t.Errorf("rest = %q", rest)
	}
}

func TestFD(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		_, _ = io.WriteString(w, "fdpass\nmore")
		w.Close()
	}()
	got, err := FromSource("fd:"+strconv.Itoa(int(r.Fd())), nil, nil)
	if err != nil || string(got) != "fdpass" {
		t.Fatalf("got %q, %v", got, err)
	}
	// Only the first line was taken from the descriptor.
	rest, _ := io.ReadAll(r)
	if string(rest) != "more" {
		t.Errorf("rest = %q", rest)
	}
}

func TestGet(t *testing.T) {
	kf := writeFile(t, "kfilepass\r\n")
	asked := 0
	ask := func(answers ...string) func(string) ([]byte, error) {
		return func(string) ([]byte, error) {
			a := answers[asked%len(answers)]
			asked++
			return []byte(a), nil
		}
	}
	noTTY := func(string) ([]byte, error) { return nil, noTerminal{errors.New("no tty")} }
	tests := []struct {
		name string
		o    Options
		want string
		err  error
	}{
		{"k beats pass", Options{K: sp("k"), Pass: sp("pass:p")}, "k", nil},
		{"kfile beats pass", Options{KFile: sp(kf), Pass: sp("pass:p")}, "kfilepass", nil},
		{"kfile empty line", Options{KFile: sp(writeFile(t, "\n"))}, "", ErrSource},
		{"kfile long", Options{KFile: sp(writeFile(t, strings.Repeat("y", 300)))}, strings.Repeat("y", 127), nil},
		{"k and kfile", Options{K: sp(""), KFile: sp(kf)}, "", ErrSource},
		{"pass", Options{Pass: sp("env:NCPASS")}, "from ncpass", nil},
		{"NCPASS", Options{Terminal: noTTY}, "from ncpass", nil},
		{"no tty", Options{Terminal: noTTY, Getenv: env(nil)}, "", ErrNoPassword},
		{"prompt", Options{Terminal: ask("typed"), Getenv: env(nil)}, "typed", nil},
		{"confirm", Options{Terminal: ask("typed"), Confirm: true, Getenv: env(nil)}, "typed", nil},
		{"mismatch", Options{Terminal: ask("one", "two"), Confirm: true, Getenv: env(nil)}, "", ErrMismatch},
		// an empty password protects nothing, wherever it comes from
		{"empty pass:", Options{Pass: sp("pass:")}, "", ErrEmpty},
		{"empty -k", Options{K: sp("")}, "", ErrEmpty},
		{"empty env:", Options{Pass: sp("env:EMPTY")}, "", ErrEmpty},
		{"empty file line", Options{Pass: sp("file:" + writeFile(t, "\nsecond\n"))}, "", ErrEmpty},
		{"empty NCPASS", Options{Getenv: env(map[string]string{EnvVar: ""})}, "", ErrEmpty},
		{"empty prompt", Options{Terminal: ask(""), Getenv: env(nil)}, "", ErrEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked = 0
			if tt.o.Getenv == nil {
				tt.o.Getenv = env(map[string]string{EnvVar: "from ncpass", "EMPTY": ""})
			}
			got, err := Get(tt.o)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNoTerminalHasHint(t *testing.T) {
	var h interface{ Hint() string }
	if !errors.As(error(noTerminal{errors.New("x")}), &h) || !strings.Contains(h.Hint(), EnvVar) {
		t.Error("no hint naming " + EnvVar)
	}
}

func sp(s string) *string { return &s }

// A refused -pass argument is an ErrSource too, says why without repeating any part of the
// argument (which may be a password), and advises pass:STR.
func TestSourceSyntaxError(t *testing.T) {
	file := writeFile(t, "secret\n")
	for src, want := range map[string]string{
		"env":                   `invalid -pass argument: a source keyword without its ":"`,
		"evn:secret":            `invalid -pass argument: an unknown source before ":"`,
		"Hunter:correct horse":  `invalid -pass argument: an unknown source before ":"`,
		"-a":                    `invalid -pass argument: it starts with "-" (an option where the password should be?)`,
		"--secret-looking-pass": `invalid -pass argument: it starts with "-" (an option where the password should be?)`,
		file:                    `invalid -pass argument: it names an existing file`,
	} {
		_, err := FromSource(src, nil, env(nil))
		if !errors.Is(err, ErrSource) || !errors.Is(err, ErrSourceSyntax) {
			t.Fatalf("%q: err = %v, want ErrSource and ErrSourceSyntax", src, err)
		}
		if err.Error() != want {
			t.Errorf("%q: message %q, want %q", src, err, want)
		}
		var h interface{ Hint() string }
		if !errors.As(err, &h) || !strings.Contains(h.Hint(), "pass:STR") {
			t.Errorf("%q: no hint naming pass:STR", src)
		}
	}
}
