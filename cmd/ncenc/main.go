// Ncenc encrypts stdin to stdout.
//
// Without a cipher option it writes nckit's own authenticated, streaming format (Argon2id,
// AES-256-GCM records, an explicit end), sealing each read of stdin at once so that a typed
// line leaves immediately. With an openssl cipher option it is `openssl enc -e` and writes
// the same bytes.
//
// Usage:
//
//	ncenc [-a] [-pass SRC | -k PASS | -kfile FILE] [-argon2-time N] [-argon2-memory MIB]
//	      [-argon2-threads N] [-in FILE] [-out FILE]
//	ncenc -aes-256-cbc|-aes-128-ctr|-chacha20|... [-pbkdf2] [-iter N] [-md DIGEST]
//	      [-salt | -nosalt | -S HEX] [-K HEX -iv HEX] [-nopad] [-a [-A]] [-p | -P] [-v] ...
//	ncenc -d ...   (the same as ncdec)
//
// The password comes from -pass (pass:STR, env:VAR, file:PATH, fd:N, stdin, or STR),
// -k or -kfile; otherwise from $NCPASS; otherwise from a prompt on /dev/tty, asked twice.
// See README.md or `ncenc -h` for every option.
package main

import (
	"os"

	"github.com/nckit/nckit/internal/encdec"
)

func main() {
	os.Exit(encdec.Main(os.Args, os.Stdin, os.Stdout, os.Stderr, false))
}
