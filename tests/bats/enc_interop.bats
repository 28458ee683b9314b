#!/usr/bin/env bats
# ncenc/ncdec against the real openssl enc, both directions, and byte for byte: every
# cipher x (binary, -a, -a -A) x key derivation x size. Each test loops over its matrix
# itself, so the whole matrix costs a few thousand short processes, not thousands of tests.

setup() {
	load common
	common_setup
	D=$BATS_TEST_TMPDIR
	SIZES=(0 1 15 16 17 1M)
	for s in "${SIZES[@]}"; do
		random_file "$D/p$s" "$s"
	done
}

teardown() {
	common_teardown
}

KDFS=("-pbkdf2" "-iter 2500" "-pbkdf2 -md sha512" "-md sha256" "-md md5")
MODES=("" "-a" "-a -A")

# interop CIPHER: the whole matrix for one cipher; fails naming the first broken case.
interop() {
	local cipher=$1 m k s opts what
	for m in "${MODES[@]}"; do
		for k in "${KDFS[@]}"; do
			for s in "${SIZES[@]}"; do
				opts="-$cipher $m $k"
				what="[$opts] size $s"
				# ncenc -> openssl
				# shellcheck disable=SC2086 # opts is a list of options
				ncenc $opts -pass pass:pw -in "$D/p$s" -out "$D/c" 2>/dev/null ||
					fail "ncenc failed: $what"
				# shellcheck disable=SC2086
				openssl enc -d $opts -pass pass:pw -in "$D/c" -out "$D/o" 2>/dev/null ||
					fail "openssl cannot decrypt ncenc's output: $what"
				cmp -s "$D/p$s" "$D/o" || fail "openssl decrypts ncenc's output wrongly: $what"
				# openssl -> ncdec
				# shellcheck disable=SC2086
				openssl enc -e $opts -pass pass:pw -in "$D/p$s" -out "$D/c" 2>/dev/null
				# shellcheck disable=SC2086
				ncdec $opts -pass pass:pw -in "$D/c" -out "$D/o" 2>/dev/null ||
					fail "ncdec cannot decrypt openssl's output: $what"
				cmp -s "$D/p$s" "$D/o" || fail "ncdec decrypts openssl's output wrongly: $what"
				# the same bytes for the same salt (openssl 3.0 writes no header with -S)
				# shellcheck disable=SC2086
				openssl enc -e $opts -S 0102030405060708 -pass pass:pw -in "$D/p$s" -out "$D/c1" 2>/dev/null
				# shellcheck disable=SC2086
				ncenc $opts -S 0102030405060708 -pass pass:pw -in "$D/p$s" -out "$D/c2" 2>/dev/null
				cmp -s "$D/c1" "$D/c2" || fail "ncenc's bytes differ from openssl's: $what"
			done
		done
	done
}

@test "interop: aes-128-cbc" {
	interop aes-128-cbc
}

@test "interop: aes-192-cbc" {
	interop aes-192-cbc
}

@test "interop: aes-256-cbc" {
	interop aes-256-cbc
}

@test "interop: aes-128-ctr" {
	interop aes-128-ctr
}

@test "interop: aes-192-ctr" {
	interop aes-192-ctr
}

@test "interop: aes-256-ctr" {
	interop aes-256-ctr
}

@test "interop: chacha20" {
	interop chacha20
}

@test "interop: aliases -aes128 -aes192 -aes256 are the cbc ciphers" {
	local a
	for a in 128 192 256; do
		ncenc "-aes$a" -pbkdf2 -S 0102030405060708 -pass pass:pw -in "$D/p17" -out "$D/c1"
		openssl enc "-aes-$a-cbc" -pbkdf2 -S 0102030405060708 -pass pass:pw -in "$D/p17" -out "$D/c2"
		cmp "$D/c1" "$D/c2"
		openssl enc -d "-aes$a" -pbkdf2 -S 0102030405060708 -pass pass:pw -in "$D/c1" -out "$D/o"
		cmp "$D/p17" "$D/o"
	done
}

@test "interop: ncdec -detect reads openssl's -aes-256-cbc -pbkdf2 in every shape" {
	local m s
	for m in "" "-a" "-a -A"; do
		for s in "${SIZES[@]}"; do
			# shellcheck disable=SC2086
			openssl enc -aes-256-cbc -pbkdf2 $m -pass pass:pw -in "$D/p$s" -out "$D/c"
			ncdec -detect -pass pass:pw -in "$D/c" -out "$D/o" || fail "ncdec: [$m] size $s"
			cmp -s "$D/p$s" "$D/o" || fail "ncdec decrypts wrongly: [$m] size $s"
		done
	done
	# -md and -iter apply to detected openssl messages
	openssl enc -aes-256-cbc -a -iter 777 -md sha512 -pass pass:pw -in "$D/p1M" -out "$D/c"
	ncdec -detect -iter 777 -md sha512 -pass pass:pw -in "$D/c" -out "$D/o"
	cmp "$D/p1M" "$D/o"
}

@test "interop: the reference vector" {
	run -0 --separate-stderr ncenc -aes-256-cbc -pbkdf2 -a -S 0102030405060708 -pass pass:chatpassword -p <<<"hello world"
	assert_output "salt=0102030405060708
key=F5EC5DD9913FB4D1A49F27D397BECE73FD57EDEEE31C7C008E67CA65C07D24ED
iv =B4227366FD10F8099F34AEE2FAC14FC9
JZtjsUiGeArframXCMD9ew=="
	run -0 ncdec -detect -pass chatpassword <<<"U2FsdGVkX18BAgMEBQYHCCWbY7FIhngK362plwjA/Xs="
	assert_output "hello world"
}

K256=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
IV=f0e0d0c0b0a090807060504030201000

# Empty input in every cipher and option set, both directions: ncenc writes openssl's bytes
# (when they are deterministic) and ncdec ends as openssl enc -d does on the same message.
@test "interop: empty messages in every cipher and option set" {
	local c m o opts what rc_os rc_nc
	local sets=("-pbkdf2" "-iter 2500 -md sha512" "-md md5" "-nosalt -pbkdf2" "-nosalt -md md5"
		"-S 0102030405060708 -pbkdf2" "-K $K256 -iv $IV" "-nopad -K $K256 -iv $IV"
		"-nopad -K $K256 -iv $IV -pass pass:pw" "-nopad -pbkdf2" "-nopad -nosalt -pbkdf2")
	: >"$D/empty"
	for c in aes-128-cbc aes-192-cbc aes-256-cbc aes-128-ctr aes-192-ctr aes-256-ctr chacha20; do
		for m in "${MODES[@]}"; do
			for o in "${sets[@]}"; do
				opts="-$c $m $o"
				[[ $o == *-K* ]] || opts+=" -pass pass:pw"
				what="[$opts]"
				# openssl -> ncdec: the same status, no output
				# shellcheck disable=SC2086
				openssl enc -e $opts -in "$D/empty" -out "$D/c" 2>/dev/null || fail "openssl enc: $what"
				rc_os=0 rc_nc=0
				# shellcheck disable=SC2086
				openssl enc -d $opts -in "$D/c" -out "$D/o1" 2>/dev/null || rc_os=$?
				# shellcheck disable=SC2086
				ncdec $opts -in "$D/c" -out "$D/o2" 2>/dev/null || rc_nc=$?
				[ "$rc_os" -eq "$rc_nc" ] || fail "openssl -d exits $rc_os, ncdec $rc_nc: $what"
				[ "$rc_nc" -ne 0 ] || [ ! -s "$D/o2" ] || fail "ncdec wrote output: $what"
				# ncenc -> openssl: readable, and byte for byte where no random salt is drawn
				# shellcheck disable=SC2086
				ncenc $opts -in "$D/empty" -out "$D/c2" 2>/dev/null || fail "ncenc: $what"
				rc_os=0
				# shellcheck disable=SC2086
				openssl enc -d $opts -in "$D/c2" -out "$D/o1" 2>/dev/null || rc_os=$?
				[ "$rc_os" -eq 0 ] && [ ! -s "$D/o1" ] || fail "openssl -d of ncenc's output: $what"
				if [[ $o == *-nosalt* || $o == *-S* || $o == "-K"* || $o == "-nopad -K $K256 -iv $IV" ]]; then
					cmp -s "$D/c" "$D/c2" || fail "ncenc's bytes differ from openssl's: $what"
				else
					[ "$(wc -c <"$D/c")" -eq "$(wc -c <"$D/c2")" ] || fail "ncenc's length differs: $what"
				fi
			done
		done
	done
}

@test "interop: -bufsize is accepted, as openssl's own enc test uses it" {
	openssl enc -aes-256-ctr -pbkdf2 -bufsize 1k -pass pass:pw -in "$D/p1M" -out "$D/c"
	ncdec -aes-256-ctr -pbkdf2 -bufsize 100 -pass pass:pw -in "$D/c" -out "$D/o"
	cmp "$D/p1M" "$D/o"
	ncenc -aes-256-ctr -pbkdf2 -bufsize 64k -rand /dev/urandom -pass pass:pw -in "$D/p1M" -out "$D/c"
	openssl enc -d -aes-256-ctr -pbkdf2 -pass pass:pw -in "$D/c" -out "$D/o"
	cmp "$D/p1M" "$D/o"
}
