package opensslenc

import (
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
)

// DefaultIter is the PBKDF2 round count openssl uses when -pbkdf2 is given without -iter.
const DefaultIter = 10000

// ErrDigest is returned for a digest name openssl enc would accept but nckit does not know.
var ErrDigest = errors.New("unknown digest")

var digests = map[string]func() hash.Hash{
	"md5":    md5.New,
	"sha1":   sha1.New,
	"sha224": sha256.New224,
	"sha256": sha256.New,
	"sha384": sha512.New384,
	"sha512": sha512.New,
}

// Digest returns the hash constructor for an openssl digest name (-md).
func Digest(name string) (func() hash.Hash, error) {
	if name == "" {
		name = "sha256"
	}
	h, ok := digests[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: md5, sha1, sha224, sha256, sha384, sha512)", ErrDigest, name)
	}
	return h, nil
}

// KDF says how openssl enc turns a password and salt into a key and IV.
type KDF struct {
	PBKDF2 bool   // -pbkdf2 or -iter; otherwise the legacy EVP_BytesToKey
	Iter   int    // PBKDF2 rounds; 0 means DefaultIter
	Digest string // -md; "" means sha256, openssl's default since 1.1.0
}

// Derive returns key and IV of the given lengths, exactly as openssl enc derives them.
// A nil salt is -nosalt: PBKDF2 then runs with an empty salt and EVP_BytesToKey with none.
func (k KDF) Derive(password, salt []byte, keyLen, ivLen int) (key, iv []byte, err error) {
	h, err := Digest(k.Digest)
	if err != nil {
		return nil, nil, err
	}
	var out []byte
	if k.PBKDF2 {
		iter := k.Iter
		if iter == 0 {
			iter = DefaultIter
		}
		if iter < 0 {
			return nil, nil, fmt.Errorf("invalid iteration count %d", iter)
		}
		// One call for key and IV together, split afterwards: that is what openssl does,
		// and it differs from two calls.
		out, err = pbkdf2.Key(h, string(password), salt, iter, keyLen+ivLen)
		if err != nil {
			return nil, nil, fmt.Errorf("pbkdf2: %w", err)
		}
	} else {
		out = BytesToKey(h, password, salt, keyLen+ivLen)
	}
	return out[:keyLen:keyLen], out[keyLen:], nil
}

// BytesToKey is OpenSSL's EVP_BytesToKey with an iteration count of 1, as openssl enc
// uses it without -pbkdf2: D1 = H(password||salt), Di = H(D(i-1)||password||salt), and
// the concatenation D1||D2||... cut to n bytes.
func BytesToKey(newHash func() hash.Hash, password, salt []byte, n int) []byte {
	d := newHash()
	out := make([]byte, 0, n+d.Size())
	var prev []byte
	for len(out) < n {
		d.Reset()
		d.Write(prev)
		d.Write(password)
		d.Write(salt)
		prev = d.Sum(prev[:0])
		out = append(out, prev...)
	}
	return out[:n]
}
