// Ncdec decrypts stdin to stdout: nckit's authenticated format, or openssl enc's.
//
//	ncdec [-pass SRC] [-label STR] [-detect] [-argon2-max-memory MIB] ...
//	ncdec -aes-256-cbc|-aes-128-ctr|-chacha20|... [-pbkdf2] [-iter N] [-a] ...
//
// See ncdec(1).
package main

import (
	"os"

	"github.com/nckit/nckit/internal/encdec"
)

func main() {
	os.Exit(encdec.Ncdec(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
