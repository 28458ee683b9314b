package encdec

import "strings"

const usageText = `usage: PROG [options] < input > output

Encrypt (ncenc) or decrypt (ncdec) stdin to stdout. Without an openssl cipher
option ncenc writes nckit's authenticated format; ncdec recognises by itself
nckit streams (binary or -a text) and openssl messages ("Salted__", or base64
starting U2FsdGVkX1, read as -aes-256-cbc -pbkdf2 unless options say
otherwise), one message after another. Once it has read a nckit stream it
refuses openssl messages (unauthenticated) for the rest of the input.

Direction:
  -e                 encrypt (ncenc's default)
  -d                 decrypt (ncdec's default; ncenc -d is ncdec)

Password (first found wins; never echoed):
  -pass SRC          pass:STR  env:VAR  file:PATH  fd:N  stdin  or STR itself
  -k STR             the password STR (beats -pass)
  -kfile PATH        first line of PATH, CR/LF stripped (beats -pass)
                     otherwise the NCPASS environment variable, otherwise a
                     prompt on /dev/tty (twice when encrypting)

nckit format (without a cipher option):
  -a, -base64        ncenc: armored text, one line per record
  -argon2-time N     ncenc: Argon2id passes (default 2)
  -argon2-memory MIB ncenc: Argon2id memory in MiB (default 64)
  -argon2-threads N  ncenc: Argon2id lanes (default 1)
  -label STR         a context (at most 255 bytes, never sent) bound into the
                     keys: a stream decrypts only with the label it was written
                     with. ncdec -label refuses openssl messages (no label)
  -native            ncdec: accept nckit's authenticated format only: any
                     openssl message is refused unread (-label implies it)

openssl enc compatibility (same bytes as openssl enc 3.0):
  -aes-128-cbc -aes-192-cbc -aes-256-cbc  (or -aes128 -aes192 -aes256)
  -aes-128-ctr -aes-192-ctr -aes-256-ctr  -chacha20
  -pbkdf2            PBKDF2 key derivation (otherwise the legacy one-round
                     EVP_BytesToKey, with a warning)
  -iter N            PBKDF2 with N rounds (implies -pbkdf2; default 10000)
  -md DIGEST         md5 sha1 sha224 sha256 sha384 sha512 (default sha256)
  -salt / -nosalt    random salt in a "Salted__" header (default) / none
  -S HEX             this salt, and no header (as openssl 3.0)
  -K HEX, -iv HEX    raw key and IV instead of a password
  -nopad             no PKCS#7 padding (input must be whole blocks)
  -a, -base64        base64 text, 64 columns;  -A  on one line
  -p / -P            print salt, key and IV / print them and stop

Files and reporting:
  -in FILE           read FILE instead of stdin
  -out FILE          write FILE instead of stdout (replaced only on success)
  -v                 print byte counts on stderr
  -h, -help          this text

Exit status: 0 success, 1 failure (wrong password, corrupt or truncated
input, a refused message, I/O error, a bad option value), 2 malformed command
line (unknown option, missing value, conflicting options, an operand).
`

func usage(prog string) string { return strings.ReplaceAll(usageText, "PROG", prog) }
