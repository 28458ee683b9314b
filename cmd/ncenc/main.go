// Ncenc encrypts stdin to stdout.
//
// Without a cipher option it writes nckit's own authenticated, streaming format (Argon2id,
// AES-256-GCM records, an explicit end), sealing each read of stdin at once so that a typed
// line leaves immediately. With an openssl cipher option it is `openssl enc -e` and writes
// the same bytes.
//
// Usage:
//
//	ncenc [-a] [-pass SRC | -k PASS | -kfile FILE] [-label STR] [-argon2-time N]
//	      [-argon2-memory MIB] [-argon2-threads N] [-in FILE] [-out FILE]
//	ncenc -aes-256-cbc|-aes-128-ctr|-chacha20|... [-pbkdf2] [-iter N] [-md DIGEST]
//	      [-salt | -nosalt | -S HEX] [-K HEX -iv HEX] [-nopad] [-a [-A]] [-p | -P] [-v] ...
//	ncenc -d ...   (the same as ncdec)
//
// The password comes from -pass (pass:STR, env:VAR, file:PATH, fd:N, stdin, or STR),
// -k or -kfile; otherwise from $NCPASS; otherwise from a prompt on /dev/tty, asked twice.
// -label STR binds the stream's keys to a context (at most 255 bytes, never sent): only
// `ncdec -label STR` decrypts it. -native names the default format; it cannot go with a
// cipher option. The Argon2id options take whole numbers within the decoder's ceilings
// (time 1-16, memory 1-1024 MiB, threads 1-16). Exit status: 0 success, 1 failure
// (including a bad option value, as with openssl), 2 malformed command line.
// See README.md or `ncenc -h` for every option.
package main

import (
	"os"

	"github.com/nckit/nckit/internal/encdec"
)

func main() {
	os.Exit(encdec.Main(os.Args, os.Stdin, os.Stdout, os.Stderr, false))
}
