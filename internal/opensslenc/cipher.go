package opensslenc

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"sort"
)

type mode int

const (
	modeCBC mode = iota
	modeCTR
	modeChaCha20
)

// Cipher is one of the openssl enc ciphers nckit implements.
type Cipher struct {
	Name   string // openssl's canonical name, e.g. "aes-256-cbc"
	KeyLen int
	IVLen  int
	mode   mode
}

// Padded reports whether the cipher is a block mode with PKCS#7 padding (CBC).
func (c *Cipher) Padded() bool { return c.mode == modeCBC }

// BlockSize is the unit the ciphertext comes in: 16 for CBC, 1 for the stream modes.
func (c *Cipher) BlockSize() int {
	if c.mode == modeCBC {
		return aes.BlockSize
	}
	return 1
}

var ciphers = map[string]*Cipher{
	"aes-128-cbc": {"aes-128-cbc", 16, 16, modeCBC},
	"aes-192-cbc": {"aes-192-cbc", 24, 16, modeCBC},
	"aes-256-cbc": {"aes-256-cbc", 32, 16, modeCBC},
	"aes-128-ctr": {"aes-128-ctr", 16, 16, modeCTR},
	"aes-192-ctr": {"aes-192-ctr", 24, 16, modeCTR},
	"aes-256-ctr": {"aes-256-ctr", 32, 16, modeCTR},
	"chacha20":    {"chacha20", 32, 16, modeChaCha20},
}

var aliases = map[string]string{
	"aes128": "aes-128-cbc",
	"aes192": "aes-192-cbc",
	"aes256": "aes-256-cbc",
}

// LookupCipher finds a cipher by its openssl name or alias (without the leading dash).
func LookupCipher(name string) (*Cipher, bool) {
	if a, ok := aliases[name]; ok {
		name = a
	}
	c, ok := ciphers[name]
	return c, ok
}

// CipherNames lists every name LookupCipher accepts, aliases included, sorted.
func CipherNames() []string {
	var names []string
	for n := range ciphers {
		names = append(names, n)
	}
	for n := range aliases {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// transform is a keyed cipher instance. For CBC, len(src) is a multiple of 16.
type transform func(dst, src []byte)

func (c *Cipher) newTransform(key, iv []byte, decrypt bool) (transform, error) {
	if len(key) != c.KeyLen || len(iv) != c.IVLen {
		return nil, errors.New("internal error: key or iv length does not match the cipher")
	}
	switch c.mode {
	case modeChaCha20:
		s, err := newChaCha20(key, iv)
		if err != nil {
			return nil, err
		}
		return s.XORKeyStream, nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	switch {
	case c.mode == modeCTR:
		return cipher.NewCTR(block, iv).XORKeyStream, nil
	case decrypt:
		return cipher.NewCBCDecrypter(block, iv).CryptBlocks, nil
	default:
		return cipher.NewCBCEncrypter(block, iv).CryptBlocks, nil
	}
}
