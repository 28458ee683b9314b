package encdec

import (
	"slices"
	"strings"
	"testing"
)

// try is the line that ends every usage error.
func try(prog string) string { return prog + ": try '" + prog + " -h' or 'man " + prog + "'\n" }

const supported = "supported: -aes-128-cbc -aes-128-ctr -aes-192-cbc -aes-192-ctr -aes-256-cbc " +
	"-aes-256-ctr -aes128 -aes192 -aes256 -chacha20, or none for nckit's own format"

const detectHint = "ncdec: hint: name the cipher (e.g. -aes-256-cbc -pbkdf2), or pass -detect\n"

// TestCommandLine owns the command-line contract of ncenc and ncdec: for each refused command
// line, the exact stderr, the exit status (1 a bad option value, as with openssl enc; 2 a
// malformed command line) and an empty stdout.
func TestCommandLine(t *testing.T) {
	tests := []struct {
		name    string
		decrypt bool
		args    []string
		code    int
		stderr  string
	}{
		// bad option values: exit 1, each named in its own unit
		{"unsupported cipher", false, []string{"-aes-256-ofb", "-pass", "x"}, 1,
			"ncenc: unsupported cipher -aes-256-ofb\nncenc: hint: " + supported + "\n"},
		{"unsupported des3", false, []string{"-des3"}, 1,
			"ncenc: unsupported cipher -des3\nncenc: hint: " + supported + "\n"},
		{"iter 0", false, []string{"-aes-256-cbc", "-iter", "0"}, 1, "ncenc: -iter 0: the iteration count must be a positive number\n"},
		{"iter not a number", false, []string{"-aes-256-cbc", "-iter", "abc"}, 1, "ncenc: -iter abc: the iteration count must be a positive number\n"},
		{"iter negative", true, []string{"-detect", "-iter", "-5"}, 1, "ncdec: -iter -5: the iteration count must be a positive number\n"},
		{"iter too large", true, []string{"-detect", "-iter", "99999999999999999999"}, 1, "ncdec: -iter 99999999999999999999: the iteration count must be a positive number\n"},
		{"bad hex -S", true, []string{"-aes-256-cbc", "-S", "xx"}, 1, "ncdec: -S: invalid hex value: encoding/hex: invalid byte: U+0078 'x'\n"},
		{"bad hex -K", false, []string{"-aes-256-cbc", "-K", "xyz", "-iv", "00"}, 1, "ncenc: -K: invalid hex value: encoding/hex: invalid byte: U+0078 'x'\n"},
		{"unknown digest", false, []string{"-aes-256-cbc", "-md", "sha3"}, 1,
			"ncenc: -md: unknown digest \"sha3\" (known: md5, sha1, sha224, sha256, sha384, sha512)\n"},
		{"argon2 memory 0", false, []string{"-argon2-memory", "0"}, 1, "ncenc: -argon2-memory 0: at least 1 MiB\n"},
		{"argon2 memory above the ceiling", false, []string{"-argon2-memory", "1025"}, 1, "ncenc: -argon2-memory 1025: at most 1024 MiB\n"},
		{"argon2 memory overflow", false, []string{"-argon2-memory", "99999999999999999999999"}, 1, "ncenc: -argon2-memory 99999999999999999999999: at most 1024 MiB\n"},
		{"argon2 memory not a number", false, []string{"-argon2-memory", "64M"}, 1, "ncenc: -argon2-memory 64M: not a whole number\n"},
		{"argon2 time 0", false, []string{"-argon2-time", "0"}, 1, "ncenc: -argon2-time 0: at least 1\n"},
		{"argon2 time 17", false, []string{"-argon2-time", "17"}, 1, "ncenc: -argon2-time 17: at most 16\n"},
		{"argon2 time negative", false, []string{"-argon2-time", "-1"}, 1, "ncenc: -argon2-time -1: not a whole number\n"},
		{"argon2 threads 0", false, []string{"-argon2-threads", "0"}, 1, "ncenc: -argon2-threads 0: at least 1\n"},
		{"argon2 threads 17", false, []string{"-argon2-threads", "17"}, 1, "ncenc: -argon2-threads 17: at most 16\n"},
		{"label too long", false, []string{"-label", strings.Repeat("x", 256)}, 1, "ncenc: -label is 256 bytes long, at most 255\n"},
		{"unset variable", false, []string{"-pass", "env:NCKIT_TEST_UNSET"}, 1,
			"ncenc: cannot read password: environment variable NCKIT_TEST_UNSET is not set\n"},
		{"mistyped source", false, []string{"-pass", "evn:PW"}, 1,
			"ncenc: invalid -pass argument: an unknown source before \":\"\n" +
				"ncenc: hint: sources are pass:STR, env:VAR, file:PATH, fd:N and stdin; for a password that looks like one, write pass:STR\n"},
		{"source keyword", true, []string{"-pass", "env"}, 1,
			"ncdec: invalid -pass argument: a source keyword without its \":\"\n" +
				"ncdec: hint: sources are pass:STR, env:VAR, file:PATH, fd:N and stdin; for a password that looks like one, write pass:STR\n"},

		{"bufsize", false, []string{"-bufsize", "0"}, 1, "ncenc: -bufsize 0: a positive number of bytes, or of KiB with k\n"},
		{"bufsize not a number", true, []string{"-bufsize", "8M"}, 1, "ncdec: -bufsize 8M: a positive number of bytes, or of KiB with k\n"},

		// malformed command lines: exit 2, and where to look next
		{"engine", false, []string{"-aes-256-cbc", "-engine", "rdrand"}, 2,
			"ncenc: nckit does not take openssl's -engine: nckit has one built-in implementation\n" + try("ncenc")},
		{"none", false, []string{"-none"}, 2, "ncenc: nckit does not take openssl's -none: nckit always encrypts\n" + try("ncenc")},
		{"list", true, []string{"-list"}, 2, "ncdec: nckit does not take openssl's -list: the ciphers are " +
			"-aes-128-cbc -aes-128-ctr -aes-192-cbc -aes-192-ctr -aes-256-cbc -aes-256-ctr -aes128 -aes192 -aes256 -chacha20\n" + try("ncdec")},
		{"z", false, []string{"-aes-256-cbc", "-z"}, 2, "ncenc: nckit does not take openssl's -z: nckit does not compress: pipe through gzip\n" + try("ncenc")},
		{"unknown flag", false, []string{"-frobnicate"}, 2, "ncenc: unknown flag -frobnicate\n" + try("ncenc")},
		{"missing value", true, []string{"-detect", "-iter"}, 2, "ncdec: flag -iter needs a value\n" + try("ncdec")},
		{"operand", true, []string{"file"}, 2, "ncdec: unexpected operand: input comes from stdin or -in FILE\nncdec: hint: a -pass value with spaces needs quotes: -pass 'pass:two words'\n" + try("ncdec")},
		{"password leak", true, []string{"-pass", "pass:correct", "horse", "battery"}, 2, "ncdec: unexpected operand: input comes from stdin or -in FILE\nncdec: hint: a -pass value with spaces needs quotes: -pass 'pass:two words'\n" + try("ncdec")},
		{"two directions", false, []string{"-e", "-d"}, 2, "ncenc: cannot use -e and -d together\n" + try("ncenc")},
		{"two ciphers", false, []string{"-aes-256-cbc", "-aes-128-ctr"}, 2, "ncenc: cannot use -aes-128-ctr and -aes-256-cbc together\n" + try("ncenc")},
		{"nosalt needs a cipher", true, []string{"-nosalt"}, 2, "ncdec: -nosalt needs an openssl cipher option such as -aes-256-cbc\n" + try("ncdec")},
		{"pbkdf2 needs a cipher", false, []string{"-pbkdf2"}, 2,
			"ncenc: -pbkdf2 applies to openssl's format: name a cipher such as -aes-256-cbc\n" +
				"ncenc: hint: without a cipher option ncenc writes nckit's own format\n" + try("ncenc")},
		{"K needs iv", false, []string{"-aes-256-cbc", "-K", "00"}, 2, "ncenc: -K needs -iv for aes-256-cbc\n" + try("ncenc")},
		{"argon2 with a cipher", false, []string{"-aes-256-cbc", "-argon2-memory", "0"}, 2,
			"ncenc: -argon2-memory applies to nckit's format, not to -aes-256-cbc\n" + try("ncenc")},
		{"argon2 max with a cipher", true, []string{"-aes-256-cbc", "-argon2-max-memory", "512"}, 2,
			"ncdec: -argon2-max-memory applies to nckit's format, not to -aes-256-cbc\n" + try("ncdec")},
		{"detect with a cipher", true, []string{"-detect", "-aes-256-cbc"}, 2, "ncdec: cannot use -detect and -aes-256-cbc together\n" + try("ncdec")},
		{"detect with -native", true, []string{"-detect", "-native"}, 2, "ncdec: cannot use -detect and -native together\n" + try("ncdec")},
		{"detect with -label", true, []string{"-detect", "-label", "x"}, 2,
			"ncdec: cannot use -detect and -label together: openssl's format has no label\n" + try("ncdec")},
		{"detect on ncenc", false, []string{"-detect"}, 2, "ncenc: -detect applies to decryption\n" + try("ncenc")},
		{"native with a cipher", true, []string{"-native", "-aes-256-cbc"}, 2, "ncdec: cannot use -native and -aes-256-cbc together\n" + try("ncdec")},
		{"iter without -detect", true, []string{"-iter", "10000"}, 2, "ncdec: -iter applies to openssl's format\n" + detectHint + try("ncdec")},
		{"md with -label", true, []string{"-label", "chat", "-md", "sha1"}, 2, "ncdec: -md applies to openssl's format\n" + detectHint + try("ncdec")},
		{"label with a cipher", false, []string{"-aes-256-cbc", "-pbkdf2", "-label", "x"}, 2,
			"ncenc: cannot use -label and -aes-256-cbc together: openssl's format has no label\n" + try("ncenc")},
		{"ncdec label with a cipher", true, []string{"-label", "x", "-chacha20", "-pbkdf2"}, 2,
			"ncdec: cannot use -label and -chacha20 together: openssl's format has no label\n" + try("ncdec")},
		{"empty label with a cipher", false, []string{"-aes-256-cbc", "-label", ""}, 2,
			"ncenc: cannot use -label and -aes-256-cbc together: openssl's format has no label\n" + try("ncenc")},
		{"label missing value", true, []string{"-pass", "pw", "-label"}, 2, "ncdec: flag -label needs a value\n" + try("ncdec")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if !slices.Contains(args, "-pass") && !slices.Contains(args, "-K") {
				args = append([]string{"-pass", "pass:pw"}, args...)
			}
			out, stderr, code := run(t, tt.decrypt, []byte("x"), args...)
			if code != tt.code || out != "" || stderr != tt.stderr {
				t.Errorf("exit %d, stdout %q, stderr\n%s\nwant exit %d, no stdout, stderr\n%s", code, out, stderr, tt.code, tt.stderr)
			}
		})
	}
}

// Help goes to stdout, the whole usage text, exit 0.
func TestHelp(t *testing.T) {
	for _, decrypt := range []bool{false, true} {
		out, stderr, code := run(t, decrypt, nil, "-h")
		if code != 0 || stderr != "" || !strings.HasPrefix(out, "usage: ") {
			t.Errorf("-h: exit %d, stdout %q, stderr %q", code, out, stderr)
		}
	}
}
