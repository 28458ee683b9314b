// Package password finds the password for ncenc and ncdec in the places openssl enc looks
// (-pass pass:|env:|file:|fd:|stdin, -k, -kfile), then in the NCPASS environment variable,
// then by asking on the terminal without echo. It never reads a password from stdin unless
// told to, and never waits on a terminal that is not there.
package password

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// EnvVar is the environment variable consulted when no password option is given.
const EnvVar = "NCPASS"

// Line limits of openssl: -pass file:/fd:/stdin keep at most 1023 bytes of the first line,
// -kfile at most 127.
const (
	maxLine  = 1023
	maxKFile = 127
)

var (
	// ErrNoPassword: no option, no NCPASS and no terminal to ask on.
	ErrNoPassword = errors.New("no password given")
	// ErrMismatch: the two answers to the prompt differ.
	ErrMismatch = errors.New("passwords do not match")
	// ErrSource: a -pass/-k/-kfile source that cannot be read or is malformed.
	ErrSource = errors.New("cannot read password")
	// ErrEmpty: an empty password, wherever it came from. It protects nothing.
	ErrEmpty = errors.New("empty password refused")
)

// Options say where to look: the values the user gave, nil for an option not given. The
// zero value looks only at NCPASS and the terminal.
type Options struct {
	Pass  *string // -pass SRC
	K     *string // -k PASS
	KFile *string // -kfile PATH
	// Stdin is the reader the data is read from as well: "-pass stdin" (and fd:0) take the
	// first line from it and leave the rest as the data, as openssl does.
	Stdin *bufio.Reader
	// Getenv looks up environment variables (os.LookupEnv when nil).
	Getenv func(string) (string, bool)
	// Prompt is the question for the terminal, e.g. "enter AES-256-CBC encryption password:";
	// Confirm asks a second time (when encrypting) and requires the same answer.
	Prompt  string
	Confirm bool
	// Terminal asks on the terminal; nil means the real /dev/tty (see ReadTerminal).
	Terminal func(prompt string) ([]byte, error)
}

// Get returns the password. Priority, as in openssl: -k and -kfile, then -pass; then NCPASS;
// then the terminal. An empty password is refused from every source.
func Get(o Options) ([]byte, error) {
	pw, from, err := get(o)
	if err == nil && len(pw) == 0 {
		return nil, fmt.Errorf("%w (%s)", ErrEmpty, from)
	}
	return pw, err
}

func get(o Options) (pw []byte, from string, err error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.LookupEnv
	}
	switch {
	case o.K != nil && o.KFile != nil:
		return nil, "", fmt.Errorf("%w: -k and -kfile both given", ErrSource)
	case o.K != nil:
		return []byte(*o.K), "-k", nil
	case o.KFile != nil:
		pw, err := kfile(*o.KFile)
		return pw, "-kfile", err
	case o.Pass != nil:
		pw, err := FromSource(*o.Pass, o.Stdin, getenv)
		return pw, "-pass", err
	}
	if v, ok := getenv(EnvVar); ok {
		return []byte(v), EnvVar, nil
	}
	ask := o.Terminal
	if ask == nil {
		ask = ReadTerminal
	}
	if pw, err = ask(o.Prompt); err != nil {
		return nil, "", err
	}
	if o.Confirm {
		again, err := ask("Verifying - " + o.Prompt)
		if err != nil {
			return nil, "", err
		}
		if !bytes.Equal(pw, again) {
			return nil, "", ErrMismatch
		}
	}
	return pw, "the terminal", nil
}

// ErrSourceSyntax: a -pass argument that looks like a password source but is none, such as
// "env" without its ":VAR" or a misspelt "evn:PW". Errors matching it match ErrSource too.
var ErrSourceSyntax = errors.New("invalid -pass argument")

// badSource is ErrSourceSyntax with advice. Its message never repeats any part of the
// argument, which may be a password.
type badSource struct{ msg, hint string }

func (e badSource) Error() string   { return ErrSourceSyntax.Error() + ": " + e.msg }
func (e badSource) Unwrap() []error { return []error{ErrSourceSyntax, ErrSource} }
func (e badSource) Hint() string    { return e.hint }

const sourcesHint = "sources are pass:STR, env:VAR, file:PATH, fd:N and stdin; " +
	"for a password that looks like one, write pass:STR"

// looksLikeSource reports whether a -pass argument with no known source would most likely
// be a mistyped source rather than a password: a bare source keyword in any case ("env",
// "File", "STDIN" but not "stdin" itself), or a prefix of ASCII letters only before the first
// colon ("evn:PW", "Env:PW", "stdin:x"). Anything else, "chatpassword", "my pass", "12:34",
// "pass1:x", ":x", is the password itself.
func looksLikeSource(src string) (string, bool) {
	kind, _, found := strings.Cut(src, ":")
	if !found {
		switch strings.ToLower(src) {
		case "pass", "env", "file", "fd", "stdin":
			return "a source keyword without its \":\"", true
		}
		return "", false
	}
	if kind == "" {
		return "", false
	}
	for i := 0; i < len(kind); i++ {
		if c := kind[i] | 0x20; c < 'a' || c > 'z' {
			return "", false
		}
	}
	return "an unknown source before \":\"", true
}

// FromSource reads a -pass argument. Besides openssl's forms it takes a string that does not
// look like a source (see looksLikeSource) as the password itself, which openssl refuses,
// unless it starts with "-" (`-pass $UNSET -a`) or names an existing file (`-pass ~/.pw`).
func FromSource(src string, stdin *bufio.Reader, getenv func(string) (string, bool)) ([]byte, error) {
	kind, arg, found := strings.Cut(src, ":")
	switch {
	case src == "stdin":
		if stdin == nil {
			return nil, fmt.Errorf("%w from stdin: stdin is not the input", ErrSource)
		}
		return firstLine(stdin, "stdin")
	case kind == "pass" && found:
		return []byte(arg), nil
	case kind == "env" && found:
		v, ok := getenv(arg)
		if !ok {
			return nil, fmt.Errorf("%w: environment variable %s is not set", ErrSource, arg)
		}
		return []byte(v), nil
	case kind == "file" && found:
		f, err := os.Open(arg)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrSource, err)
		}
		defer f.Close()
		return firstLine(bufio.NewReaderSize(f, maxLine+1), "file "+arg)
	case kind == "fd" && found:
		fd, err := strconv.Atoi(arg)
		if err != nil || fd < 0 {
			return nil, fmt.Errorf("%w: bad file descriptor %q", ErrSource, arg)
		}
		if fd == 0 && stdin != nil {
			return firstLine(stdin, "fd 0")
		}
		f := os.NewFile(uintptr(fd), "fd:"+arg)
		if f == nil {
			return nil, fmt.Errorf("%w: bad file descriptor %q", ErrSource, arg)
		}
		// The descriptor is the caller's (often a pipe it keeps): read only the first line
		// and leave it open. Reading byte by byte takes nothing beyond that line.
		return firstLine(bufio.NewReaderSize(oneByteReader{f}, 16), "fd "+arg)
	}
	if msg, bad := looksLikeSource(src); bad {
		return nil, badSource{msg, sourcesHint}
	}
	if strings.HasPrefix(src, "-") {
		return nil, badSource{"it starts with \"-\" (an option where the password should be?)",
			"use pass:STR or file:PATH"}
	}
	if _, err := os.Stat(src); err == nil {
		return nil, badSource{"it names an existing file",
			"use pass:STR or file:PATH (file:PATH reads the password from the file)"}
	}
	return []byte(src), nil
}

type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

// firstLine applies openssl's rules for file:, fd: and stdin: the first line without its
// "\n" (a "\r" stays), at most 1023 bytes; an empty source is an error, an empty line is
// an empty password.
func firstLine(r *bufio.Reader, what string) ([]byte, error) {
	var line []byte
	for len(line) < maxLine {
		c, err := r.ReadByte()
		if err == io.EOF {
			if len(line) == 0 {
				return nil, fmt.Errorf("%w: %s is empty", ErrSource, what)
			}
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrSource, what, err)
		}
		if c == '\n' {
			return line, nil
		}
		line = append(line, c)
	}
	return line, nil
}

// kfile applies openssl's -kfile rules: the first line, "\r" and "\n" stripped, at most
// 127 bytes, not empty.
func kfile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSource, err)
	}
	defer f.Close()
	buf := make([]byte, maxKFile+1)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, fmt.Errorf("%w: %s: %w", ErrSource, path, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: %s is empty", ErrSource, path)
	}
	line := buf[:min(n, maxKFile)]
	if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	if len(line) == 0 {
		return nil, fmt.Errorf("%w: %s: zero length password", ErrSource, path)
	}
	return line, nil
}
