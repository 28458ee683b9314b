package encdec

import "strings"

const usageText = `usage: PROG [options] < input > output

Encrypt (ncenc) or decrypt (ncdec) stdin to stdout. Without an openssl cipher
option ncenc writes nckit's authenticated format and ncdec reads only that
format (binary or -a text), one stream after another; -detect lets ncdec read
openssl messages too. With a cipher option both are openssl enc.

Direction:
  -e                 encrypt (ncenc's default)
  -d                 decrypt (ncdec's default; ncenc -d is ncdec)

Password (first found wins; never echoed; an empty one is refused):
  -pass SRC          pass:STR  env:VAR  file:PATH  fd:N  stdin  or STR itself
                     (STR must not start with "-" nor name a file)
  -k STR             the password STR (beats -pass)
  -kfile PATH        first line of PATH, CR/LF stripped (beats -pass)
                     otherwise the NCPASS environment variable, otherwise a
                     prompt on /dev/tty (twice when encrypting)

nckit format (without a cipher option):
  -a, -base64        ncenc: armored text, one line per record
  -argon2-time N     Argon2id passes (ncenc writes, default 2; ncdec accepts
                     exactly N)
  -argon2-memory MIB Argon2id memory (default 64; ncdec: exactly MIB)
  -argon2-threads N  Argon2id lanes (default 1; ncdec: exactly N)
  -argon2-max-memory MIB  the most memory a header may ask (default 256)
  -argon2-max-time N      the most work: N passes over that memory (default 2)
  -label STR         a context (at most 255 bytes, never sent) bound into the
                     keys: a stream decrypts only with the label it was written
                     with
  -native            the default: accept nckit's authenticated format only
  -detect            ncdec: accept openssl messages too, read as
                     -aes-256-cbc -pbkdf2 (-md, -iter apply), never after a
                     nckit stream
  -header-timeout SECS   ncdec on a pipe or socket: a header or record must
                     arrive within SECS of its first byte (default 10; 0 none)
  -message-timeout SECS  the same for an openssl message (default 30)

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
  -bufsize N, -rand FILE  accepted as openssl does; no effect (fixed buffers,
                     the system's random source)

Files and reporting:
  -in FILE           read FILE instead of stdin
  -out FILE          write FILE instead of stdout (replaced only on success)
  -v                 print byte counts on stderr
  -h, -help          this text;  --version, -V  the version

Exit status: 0 success; 1 failure (openssl format: bad decrypt; a refused
message, I/O error, time-out, bad option value); 2 malformed command line;
3 ncdec: a nckit stream failed authentication (wrong password, forged,
truncated, or its KDF cost outside the window); 4 ncdec under ncl --each
(NCL_PEER set): an openssl message failed to decrypt, input read to its end.
See PROG(1).
`

func usage(prog string) string { return strings.ReplaceAll(usageText, "PROG", prog) }
