// Ncdec decrypts stdin to stdout.
//
// Without a cipher option it recognises each message by itself: nckit's native format
// (binary or -a armor), openssl's binary "Salted__" messages and openssl's base64
// (U2FsdGVkX1...), the latter read as -aes-256-cbc -pbkdf2 with sha256 and 10000 rounds
// unless -md or -iter say otherwise. Several messages may follow each other on one input,
// as `ncl -k` delivers them; each one's plaintext is written as soon as it is complete.
// Once a nckit stream has been read, a later openssl message is refused: the
// unauthenticated format cannot take over in mid-stream. With an openssl cipher option it
// is `openssl enc -d` with that cipher.
//
// -native accepts nckit's authenticated format only: any openssl message, wherever it
// comes, is refused before anything of it is decrypted (exit 1). -label STR reads streams
// written with that label only, and implies -native.
//
// Usage:
//
//	ncdec [-pass SRC | -k PASS | -kfile FILE] [-native | -label STR] [-in FILE] [-out FILE]
//	ncdec [-pass SRC | -k PASS | -kfile FILE] [-md DIGEST] [-iter N] [-in FILE] [-out FILE]
//	ncdec -aes-256-cbc|... [-pbkdf2] [-iter N] [-md DIGEST] [-nosalt | -S HEX]
//	      [-K HEX -iv HEX] [-nopad] [-a [-A]] [-p | -P] [-v] ...
//
// Only authenticated plaintext of native streams is written. For openssl messages, a
// failed padding check writes nothing of a message up to 64 KiB, and -out FILE is only
// replaced when everything decrypted. Exit status: 0 success, 1 failure (including a
// refused message and a bad option value), 2 malformed command line.
// See README.md or `ncdec -h` for every option.
package main

import (
	"os"

	"github.com/nckit/nckit/internal/encdec"
)

func main() {
	os.Exit(encdec.Main(os.Args, os.Stdin, os.Stdout, os.Stderr, true))
}
