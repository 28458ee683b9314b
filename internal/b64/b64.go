// Package b64 is standard padded base64 (RFC 4648 section 4), the same bytes and the same
// errors as encoding/base64's StdEncoding, in less time: it was the largest single cost of
// ncenc -a and ncdec on base64 input (a quarter to a third of their CPU time).
//
// Whole groups go through wider tables than encoding/base64's: six bytes become eight
// characters with four lookups of 12 bits each, and eight characters become six bytes with
// four lookups of two characters each. Everything else (the last partial group, padding,
// newlines, errors) is handed to encoding/base64 itself, so the two cannot disagree.
package b64

import (
	"encoding/base64"
	"encoding/binary"
	"slices"
	"sync"
)

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// enc12 maps 12 bits to their two characters, the first in the high byte (8 KiB).
var enc12 = func() (t [4096]uint16) {
	for i := range t {
		t[i] = uint16(alphabet[i>>6])<<8 | uint16(alphabet[i&63])
	}
	return t
}()

// invalid marks a pair of characters that is not two of the alphabet in dec16.
const invalid = 0xffff

// dec16 maps two characters (the first in the high byte) to their 12 bits, or invalid.
// It is 128 KiB, so it is built on the first Decode rather than in every process that
// links this package.
var dec16 = sync.OnceValue(func() *[65536]uint16 {
	t := new([65536]uint16)
	for i := range t {
		t[i] = invalid
	}
	for a := range len(alphabet) {
		for b := range len(alphabet) {
			t[int(alphabet[a])<<8|int(alphabet[b])] = uint16(a<<6 | b)
		}
	}
	return t
})

// Encode writes the base64 of src to dst, as base64.StdEncoding.Encode does; dst must
// hold EncodedLen(len(src)) bytes.
func Encode(dst, src []byte) {
	n := len(src) / 6 * 6
	dst = dst[:len(dst):len(dst)] // a short dst panics before anything is written past its length
	di := 0
	for si := 0; si < n; si += 6 {
		s, d := src[si:si+6:si+6], dst[di:di+8:di+8]
		v := uint64(s[0])<<40 | uint64(s[1])<<32 | uint64(s[2])<<24 | uint64(s[3])<<16 | uint64(s[4])<<8 | uint64(s[5])
		w := uint64(enc12[v>>36])<<48 | uint64(enc12[v>>24&0xfff])<<32 | uint64(enc12[v>>12&0xfff])<<16 | uint64(enc12[v&0xfff])
		d[0], d[1], d[2], d[3] = byte(w>>56), byte(w>>48), byte(w>>40), byte(w>>32)
		d[4], d[5], d[6], d[7] = byte(w>>24), byte(w>>16), byte(w>>8), byte(w)
		di += 8
	}
	base64.StdEncoding.Encode(dst[di:], src[n:])
}

// EncodedLen is base64.StdEncoding.EncodedLen.
func EncodedLen(n int) int { return base64.StdEncoding.EncodedLen(n) }

// AppendEncode appends the base64 of src to dst, as base64.StdEncoding.AppendEncode does.
func AppendEncode(dst, src []byte) []byte {
	n := EncodedLen(len(src))
	dst = slices.Grow(dst, n)[:len(dst)+n]
	Encode(dst[len(dst)-n:], src)
	return dst
}

// Decode decodes src into dst as base64.StdEncoding.Decode does, with the same count, the
// same bytes in dst[:count] and the same error (newlines are skipped, padding is required).
// Like encoding/base64, it may write scratch bytes to dst past the count.
func Decode(dst, src []byte) (int, error) { return decode(base64.StdEncoding, dst, src) }

var strict = base64.StdEncoding.Strict()

// DecodeStrict is Decode as base64.StdEncoding.Strict() does it: the padding bits of the
// last group must be zero.
func DecodeStrict(dst, src []byte) (int, error) { return decode(strict, dst, src) }

// decode decodes the whole groups of eight characters of the alphabet at the start of src,
// and leaves the rest, from the first group holding anything else, to enc: a group that
// holds no newline or padding starts and ends at a quantum boundary whatever enc would do,
// so enc decodes the rest as it would have in the whole.
func decode(enc *base64.Encoding, dst, src []byte) (int, error) {
	t := dec16()
	groups := min(len(src)/8, (len(dst)-2)/6)
	di, si := 0, 0
	for range groups {
		s := src[si : si+8 : si+8]
		x := binary.BigEndian.Uint64(s)
		a, b := t[x>>48], t[x>>32&0xffff]
		c, e := t[x>>16&0xffff], t[x&0xffff]
		if (a|b|c|e)&0xf000 != 0 {
			break
		}
		v := uint64(a)<<36 | uint64(b)<<24 | uint64(c)<<12 | uint64(e)
		binary.BigEndian.PutUint64(dst[di:di+8:di+8], v<<16) // the last 2 bytes are the next group's
		si, di = si+8, di+6
	}
	n, err := enc.Decode(dst[di:], src[si:])
	if e, ok := err.(base64.CorruptInputError); ok {
		err = e + base64.CorruptInputError(si)
	}
	return di + n, err
}
