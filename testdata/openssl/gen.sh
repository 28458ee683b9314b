#!/usr/bin/env bash
# gen.sh regenerates vectors.tsv with the real openssl (3.0): run it from anywhere.
# Each line is one `openssl enc` run, tab-separated:
#   name  options  password  salt  key  iv  plaintext  output
# salt, key, iv, plaintext and output are hex ("-" for none); output is the exact message
# openssl writes with a random salt, reproduced here with that salt: "Salted__" || salt ||
# the body `openssl enc -S salt` prints (openssl 3.0 omits the header when -S is given).
# Lines whose options contain -a hold the base64 text instead, made by openssl's own
# base64 filter, which is the one `enc -a` uses. Every line is checked by decrypting it
# back with openssl before it is written.
set -euo pipefail
cd "$(dirname "$0")"
command -v openssl >/dev/null || { echo "gen.sh: openssl not found" >&2; exit 1; }

out=vectors.tsv.tmp
: >"$out"
pass=chatpassword
salt=0102030405060708

# plain N: N deterministic pseudo-random bytes (an AES-CTR keystream), as hex.
plain() {
	head -c "$1" /dev/zero | openssl enc -aes-128-ctr -K 00 -iv 00 -nosalt 2>/dev/null | od -An -v -tx1 | tr -d ' \n'
}
unhex() { xxd -r -p; }
tohex() { od -An -v -tx1 | tr -d ' \n'; }

# keyline OPTS...: "key<TAB>iv" as openssl -P prints them.
keyline() {
	local p
	p=$(openssl enc "$@" -P 2>/dev/null)
	local key iv
	key=$(sed -n 's/^key=//p' <<<"$p" | tr 'A-F' 'a-f')
	iv=$(sed -n 's/^iv =//p' <<<"$p" | tr 'A-F' 'a-f')
	printf '%s\t%s' "${key:--}" "${iv:--}"
}

# salted NAME SIZE OPTS...: a salted message with password $pass and salt $salt.
salted() {
	local name=$1 size=$2
	shift 2
	local pt body msg
	pt=$(plain "$size")
	body=$(unhex <<<"$pt" | openssl enc -e "$@" -pass "pass:$pass" -S "$salt" 2>/dev/null | tohex)
	msg=$(printf 'Salted__' | tohex)$salt$body
	# check: real openssl decrypts the assembled message
	[ "$(unhex <<<"$msg" | openssl enc -d "$@" -pass "pass:$pass" 2>/dev/null | tohex)" = "$pt" ] ||
		{ echo "gen.sh: $name does not decrypt" >&2; exit 1; }
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$*" "$pass" "$salt" \
		"$(keyline "$@" -pass "pass:$pass" -S "$salt")" "${pt:--}" "$msg" >>"$out"
}

# base64 NAME SIZE FLAGS OPTS...: like salted, but the output is openssl's base64 text
# (FLAGS is "-a" or "-a -A").
base64() {
	local name=$1 size=$2 flags=$3
	shift 3
	local pt text
	pt=$(plain "$size")
	# shellcheck disable=SC2086 # FLAGS is a list of options
	text=$( { printf 'Salted__'; unhex <<<"$salt"; unhex <<<"$pt" |
		openssl enc -e "$@" -pass "pass:$pass" -S "$salt" 2>/dev/null; } |
		openssl base64 -e ${flags#-a} | tohex)
	# shellcheck disable=SC2086
	[ "$(unhex <<<"$text" | openssl enc -d $flags "$@" -pass "pass:$pass" 2>/dev/null | tohex)" = "$pt" ] ||
		{ echo "gen.sh: $name does not decrypt" >&2; exit 1; }
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$flags $*" "$pass" "$salt" \
		"$(keyline "$@" -pass "pass:$pass" -S "$salt")" "${pt:--}" "$text" >>"$out"
}

# raw NAME SIZE OPTS...: a message without salt header (-nosalt, or -K/-iv).
raw() {
	local name=$1 size=$2 pw=$3
	shift 3
	local pt body pwopt=()
	[ "$pw" = - ] || pwopt=(-pass "pass:$pw")
	pt=$(plain "$size")
	body=$(unhex <<<"$pt" | openssl enc -e "$@" "${pwopt[@]}" 2>/dev/null | tohex)
	[ "$(unhex <<<"$body" | openssl enc -d "$@" "${pwopt[@]}" 2>/dev/null | tohex)" = "$pt" ] ||
		{ echo "gen.sh: $name does not decrypt" >&2; exit 1; }
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$*" "$pw" - \
		"$(keyline "$@" "${pwopt[@]}")" "${pt:--}" "${body:--}" >>"$out"
}

ciphers=(aes-128-cbc aes-192-cbc aes-256-cbc aes-128-ctr aes-192-ctr aes-256-ctr chacha20)
kdfs=("-pbkdf2" "-pbkdf2 -md sha512" "-iter 1000" "-iter 3 -md sha1" "-iter 2 -md md5"
	"-iter 5 -md sha224" "-iter 5 -md sha384" "-md sha256" "-md md5" "-md sha1")
for c in "${ciphers[@]}"; do
	for k in "${kdfs[@]}"; do
		for n in 0 17 64; do
			# shellcheck disable=SC2086 # $k is a list of options
			salted "$c/${k// /}/$n" "$n" "-$c" $k
		done
	done
done
for n in 1 15 16 31 32 33 100 1000; do
	salted "aes-256-cbc/pbkdf2/$n" "$n" -aes-256-cbc -pbkdf2
	salted "aes-256-ctr/pbkdf2/$n" "$n" -aes-256-ctr -pbkdf2
	salted "chacha20/pbkdf2/$n" "$n" -chacha20 -pbkdf2
done
for a in aes128 aes192 aes256; do
	salted "alias-$a" 20 "-$a" -pbkdf2
done
for n in 0 1 47 48 49 100 200; do
	base64 "b64/aes-256-cbc/$n" "$n" -a -aes-256-cbc -pbkdf2
	base64 "b64A/aes-256-cbc/$n" "$n" "-a -A" -aes-256-cbc -pbkdf2
	base64 "b64/chacha20/$n" "$n" -a -chacha20 -pbkdf2 -iter 7
done
raw nosalt/pbkdf2 20 "$pass" -aes-256-cbc -nosalt -pbkdf2
raw nosalt/legacy 20 "$pass" -aes-256-cbc -nosalt
raw nosalt/ctr 20 "$pass" -aes-128-ctr -nosalt -pbkdf2
raw nopad 32 "$pass" -aes-128-cbc -nosalt -pbkdf2 -nopad
raw key/cbc 33 - -aes-192-cbc -K 000102030405060708090a0b0c0d0e0f1011121314151617 -iv f0e0d0c0b0a090807060504030201000
raw key/ctr-wrap 100 - -aes-128-ctr -K 2b7e151628aed2a6abf7158809cf4f3c -iv ffffffffffffffffffffffffffffffff
# ChaCha20 whose 32-bit block counter wraps: openssl carries into the nonce.
raw key/chacha20-carry 300 - -chacha20 -K 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f -iv fdffffff000000000000004a00000000
raw key/chacha20-carry-max 200 - -chacha20 -K 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f -iv ffffffffffffffff0000004a00000000
mv "$out" vectors.tsv
echo "gen.sh: wrote $(wc -l <vectors.tsv) vectors to $(pwd)/vectors.tsv" >&2
