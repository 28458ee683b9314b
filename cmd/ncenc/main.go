// Ncenc encrypts stdin to stdout, in nckit's authenticated format or as openssl enc does.
//
//	ncenc [-a] [-pass SRC] [-label STR] [-argon2-time N] [-argon2-memory MIB] ...
//	ncenc -aes-256-cbc|-aes-128-ctr|-chacha20|... [-pbkdf2] [-iter N] [-a] ...
//
// See ncenc(1).
package main

import (
	"os"

	"github.com/nckit/nckit/internal/encdec"
)

func main() {
	os.Exit(encdec.Ncenc(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
