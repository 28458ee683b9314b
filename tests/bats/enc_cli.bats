#!/usr/bin/env bats
# ncenc/ncdec options, errors and exit statuses, -out safety, several messages on one input,
# and nckit's own format as the default.

setup() {
	load common
	common_setup
	D=$BATS_TEST_TMPDIR
	printf 'hello world\n' >"$D/pt"
}

teardown() {
	common_teardown
}

S=0102030405060708
K256=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
IV=f0e0d0c0b0a090807060504030201000

@test "cli: ncenc -d is ncdec, and -e/-d pick the direction" {
	ncenc -aes-256-cbc -pbkdf2 -pass pass:pw -in "$D/pt" >"$D/ct"
	run -0 ncenc -d -aes-256-cbc -pbkdf2 -pass pass:pw -in "$D/ct"
	assert_output "hello world"
	run -0 ncdec -d -aes-256-cbc -pbkdf2 -pass pass:pw -in "$D/ct"
	assert_output "hello world"
	ncdec -e -aes-256-cbc -pbkdf2 -pass pass:pw -in "$D/pt" >"$D/ct2"
	run -0 openssl enc -d -aes-256-cbc -pbkdf2 -pass pass:pw -in "$D/ct2"
	assert_output "hello world"
}

# same_as_openssl ARGS...: ncenc ARGS and openssl enc ARGS write the same bytes (stdout).
same_as_openssl() {
	ncenc "$@" >"$D/nc.out" 2>/dev/null || fail "ncenc $*"
	openssl enc "$@" >"$D/os.out" 2>/dev/null || fail "openssl enc $*"
	cmp "$D/nc.out" "$D/os.out" || fail "different bytes for: $*"
}

@test "cli: -nosalt, -S, -K/-iv, -nopad, -p, -P give openssl's bytes" {
	same_as_openssl -aes-256-cbc -nosalt -pbkdf2 -pass pass:pw -in "$D/pt"
	same_as_openssl -aes-256-cbc -nosalt -pass pass:pw -in "$D/pt"
	same_as_openssl -aes-128-ctr -nosalt -a -iter 5 -pass pass:pw -in "$D/pt"
	same_as_openssl -aes-256-cbc -S "$S" -pbkdf2 -a -pass pass:pw -in "$D/pt"
	same_as_openssl -aes-256-cbc -S 01 -pbkdf2 -pass pass:pw -in "$D/pt"
	same_as_openssl -aes-256-cbc -K "$K256" -iv "$IV" -in "$D/pt"
	same_as_openssl -chacha20 -K "$K256" -iv "$IV" -a -in "$D/pt"
	same_as_openssl -aes-256-cbc -K 0011 -iv 22 -in "$D/pt"
	head -c 32 /dev/zero >"$D/z32"
	same_as_openssl -aes-128-cbc -nopad -K "$K256" -iv "$IV" -in "$D/z32"
	same_as_openssl -aes-256-cbc -S "$S" -pbkdf2 -p -pass pass:pw -in "$D/pt"
	same_as_openssl -aes-256-cbc -S "$S" -pbkdf2 -p -a -pass pass:pw -in "$D/pt"
	same_as_openssl -aes-256-cbc -nosalt -pbkdf2 -p -pass pass:pw -in "$D/pt"
	same_as_openssl -aes-192-cbc -S "$S" -md md5 -P -pass pass:pw
	same_as_openssl -chacha20 -S "$S" -iter 3 -md sha1 -P -pass pass:pw
	# and back: ncdec reads what openssl wrote with each of them
	openssl enc -aes-256-cbc -nosalt -pbkdf2 -a -pass pass:pw -in "$D/pt" >"$D/ct"
	run -0 ncdec -aes-256-cbc -nosalt -pbkdf2 -a -pass pass:pw -in "$D/ct"
	assert_output "hello world"
	openssl enc -aes-256-cbc -S "$S" -pbkdf2 -pass pass:pw -in "$D/pt" >"$D/ct"
	run -0 ncdec -aes-256-cbc -S "$S" -pbkdf2 -pass pass:pw -in "$D/ct"
	assert_output "hello world"
	openssl enc -aes-256-cbc -K "$K256" -iv "$IV" -in "$D/pt" >"$D/ct"
	run -0 ncdec -aes-256-cbc -K "$K256" -iv "$IV" -in "$D/ct"
	assert_output "hello world"
	openssl enc -aes-128-cbc -nopad -K "$K256" -iv "$IV" -in "$D/z32" >"$D/ct"
	ncdec -aes-128-cbc -nopad -K "$K256" -iv "$IV" -in "$D/ct" >"$D/o"
	cmp "$D/z32" "$D/o"
}

@test "cli: -p on decryption prints what openssl prints" {
	openssl enc -aes-256-cbc -pbkdf2 -a -pass pass:pw -in "$D/pt" >"$D/ct"
	run -0 openssl enc -d -aes-256-cbc -pbkdf2 -a -p -pass pass:pw -in "$D/ct"
	want=$output
	run -0 ncdec -aes-256-cbc -pbkdf2 -a -p -pass pass:pw -in "$D/ct"
	assert_output "$want"
}

@test "cli: the legacy key derivation warns on stderr, -pbkdf2 and -iter do not" {
	run -0 --separate-stderr ncenc -aes-256-cbc -a -pass pass:pw -in "$D/pt"
	[ "$stderr" = "ncenc: warning: deprecated key derivation used (one round of EVP_BytesToKey); -pbkdf2 or -iter would be better" ]
	run -0 --separate-stderr ncenc -aes-256-cbc -a -iter 5 -pass pass:pw -in "$D/pt"
	[ "$stderr" = "" ]
	run -0 --separate-stderr ncenc -aes-256-cbc -K "$K256" -iv "$IV" -in "$D/pt"
	[ "$stderr" = "" ]
}

@test "cli: -v counts bytes on stderr, -S with a short salt warns like openssl" {
	run -0 --separate-stderr ncenc -aes-256-cbc -pbkdf2 -a -v -pass pass:pw -in "$D/pt"
	[[ $stderr == *"bytes read   :       12"$'\n'"bytes written:       45" ]]
	run -0 --separate-stderr ncenc -aes-256-cbc -pbkdf2 -S 01 -pass pass:pw -in "$D/pt"
	[ "$stderr" = "ncenc: warning: -S: hex string is too short, padding with zero bytes to length" ]
}

@test "cli: decryption failures are one line, exit 1, and print no plaintext" {
	openssl enc -aes-256-cbc -pbkdf2 -pass pass:pw -in "$D/pt" >"$D/ct"
	# a wrong password passes CBC's padding check about once in 256: try a few until it fails
	local i
	for i in 1 2 3 4 5 6; do
		run --separate-stderr ncdec -aes-256-cbc -pbkdf2 -pass "pass:wrong$i" -in "$D/ct"
		[ "$status" -eq 1 ] && break
	done
	[ "$status" -eq 1 ]
	[ "$stderr" = "ncdec: bad decrypt: wrong password or corrupted input" ]
	assert_output ""
	printf 'not encrypted at all' >"$D/junk"
	run -1 --separate-stderr ncdec -aes-256-cbc -pbkdf2 -pass pass:pw -in "$D/junk"
	[ "$stderr" = 'ncdec: bad magic number: input does not start with "Salted__"' ]
	run -1 --separate-stderr ncdec -detect -pass pass:pw -in "$D/junk"
	[ "${stderr%%$'\n'*}" = "ncdec: unrecognized input: neither nckit's format nor openssl enc's" ]
	run -1 --separate-stderr ncdec -aes-256-cbc -pbkdf2 -pass pass:pw </dev/null
	[ "$stderr" = "ncdec: no input: expected encrypted data" ]
	head -c 20 "$D/ct" >"$D/short"
	run -1 --separate-stderr ncdec -detect -pass pass:pw -in "$D/short"
	[[ $stderr == "ncdec: bad decrypt: wrong final block length"* ]]
	head -c 12 "$D/ct" >"$D/short"
	run -1 --separate-stderr ncdec -detect -pass pass:pw -in "$D/short"
	[ "$stderr" = "ncdec: input truncated: 12 bytes, too short for a salt header" ]
	printf 'U2FsdGVkX1+!!!\n' >"$D/bad64"
	run -1 --separate-stderr ncdec -detect -pass pass:pw -in "$D/bad64"
	[ "$stderr" = "ncdec: invalid base64: unexpected byte 0x21" ]
	run -1 --separate-stderr ncdec -pass pass:pw -in "$D/nonexistent"
	[[ $stderr == "ncdec: cannot open input: open $D/nonexistent: no such file or directory" ]]
	run -1 --separate-stderr ncdec -pass pass:pw -in "$D/ct" -out "$D/no/such/dir/out"
	[[ $stderr == "ncdec: cannot create output: "* ]]
}

@test "cli: -out is written only on success and never holds a failed decryption" {
	openssl enc -aes-256-cbc -pbkdf2 -pass pass:pw -in "$D/pt" >"$D/ct"
	echo "precious" >"$D/out"
	for i in 1 2 3 4 5 6; do
		run ncdec -aes-256-cbc -pbkdf2 -pass "pass:wrong$i" -in "$D/ct" -out "$D/out"
		[ "$status" -eq 1 ] && break
	done
	[ "$status" -eq 1 ]
	[ "$(cat "$D/out")" = "precious" ]
	# the password that just failed fails again (another could pass the padding check)
	run -1 ncdec -aes-256-cbc -pbkdf2 -pass "pass:wrong$i" -in "$D/ct" -out "$D/new"
	[ ! -e "$D/new" ]
	# a large message: plaintext beyond the hold-back window never reaches -out either
	random_file "$D/big" 300K
	openssl enc -aes-256-cbc -pbkdf2 -pass pass:pw -in "$D/big" >"$D/bigct"
	head -c -1 "$D/bigct" >"$D/bigcut"
	run -1 ncdec -aes-256-cbc -pbkdf2 -pass pass:pw -in "$D/bigcut" -out "$D/new"
	[ ! -e "$D/new" ]
	[ -z "$(find "$D" -name '.*.tmp')" ]
	ncdec -aes-256-cbc -pbkdf2 -pass pass:pw -in "$D/ct" -out "$D/out"
	[ "$(cat "$D/out")" = "hello world" ]
	# a small failing message prints nothing on stdout either
	head -c -1 "$D/ct" >"$D/cut"
	run -1 --separate-stderr ncdec -detect -pass pass:pw -in "$D/cut"
	assert_output ""
}

@test "cli: several messages on one input, in every openssl shape and nckit's" {
	# openssl messages first: after a nckit stream an openssl message is refused (no downgrade)
	{
		echo one | openssl enc -aes-256-cbc -pbkdf2 -a -pass pass:pw
		echo two | openssl enc -aes-256-cbc -pbkdf2 -a -A -pass pass:pw
		echo three | openssl enc -aes-256-cbc -pbkdf2 -a -A -pass pass:pw
		printf '\r\n'
		head -c 5000 /dev/zero | tr '\0' 4 | openssl enc -aes-256-cbc -pbkdf2 -a -pass pass:pw | sed 's/$/\r/'
		echo five | ncenc -pass pass:pw
		echo six | ncenc -a -pass pass:pw
		printf '\n'
		echo seven | ncenc -pass pass:pw
	} >"$D/stream"
	run -0 ncdec -detect -pass pass:pw -in "$D/stream"
	assert_output "one
two
three
$(head -c 5000 /dev/zero | tr '\0' 4)five
six
seven"
	# binary openssl messages run to the next "Salted__" or the end: they come last
	{
		echo eight | openssl enc -aes-256-cbc -pbkdf2 -a -pass pass:pw
		echo nine | openssl enc -aes-256-cbc -pbkdf2 -pass pass:pw
		echo ten | openssl enc -aes-256-cbc -pbkdf2 -pass pass:pw
	} >"$D/stream"
	run -0 ncdec -detect -pass pass:pw -in "$D/stream"
	assert_output $'eight\nnine\nten'
}

@test "cli: each message comes out as soon as it is complete, before the input ends" {
	mkfifo "$D/fifo"
	spawn ncdec -detect -pass pass:pw -in "$D/fifo" -out /dev/stdout >"$D/got"
	exec 4>"$D/fifo"
	local msg
	# one-line messages with and without '=' padding, a full 64-column line, several lines
	for msg in "12:00:01 hi" "12:00:02 a chat line of thirty" "12:00:03 and a longer one, over several lines of base64 text"; do
		echo "$msg" | openssl enc -aes-256-cbc -salt -base64 -pbkdf2 -pass pass:pw >&4
		wait_for_match "$D/got" "^$msg\$" 5
	done
	# two full lines and no '=': nothing in the text shows the end, so the message comes out
	# when the next one begins
	msg="12:00:04 $(printf '%063d' 0)"
	echo "$msg" | openssl enc -aes-256-cbc -salt -base64 -pbkdf2 -pass pass:pw >&4
	echo "12:00:05 next" | openssl enc -aes-256-cbc -salt -base64 -pbkdf2 -pass pass:pw >&4
	wait_for_match "$D/got" "^$msg\$" 5
	wait_for_match "$D/got" "^12:00:05 next\$" 5
	echo "native line" | ncenc -pass pass:pw >&4
	wait_for_match "$D/got" "^native line\$" 5
	exec 4>&-
	wait "$BG_PID"
}

@test "cli: nckit's format by default, armored with -a, and refused on a terminal" {
	ncenc -pass pass:pw -in "$D/pt" >"$D/ct"
	run -0 ncdec -pass pass:pw -in "$D/ct"
	assert_output "hello world"
	run -0 ncenc -a -argon2-time 2 -argon2-memory 19 -pass pass:pw -in "$D/pt"
	[[ $output == nckitENC* ]]
	echo "$output" >"$D/arm"
	run -0 ncdec -pass pass:pw -in "$D/arm"
	assert_output "hello world"
	run -3 --separate-stderr ncdec -pass pass:wrong -in "$D/ct"
	[[ $stderr == "ncdec: wrong password"* ]]
	assert_output ""
	command -v python3 >/dev/null || skip "python3 is needed to drive a pseudo-terminal"
	run -0 python3 - "$(command -v ncenc)" "$D/pt" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "-pass", "pass:pw", "-in", sys.argv[2]])
out = b""
try:
    while True:
        b = os.read(fd, 1024)
        if not b:
            break
        out += b
except OSError:
    pass
_, status = os.waitpid(pid, 0)
want = b"ncenc: refusing to write binary ciphertext to a terminal"
if os.waitstatus_to_exitcode(status) != 1 or want not in out or b"nckit" in out.replace(b"ncenc", b""):
    sys.exit("unexpected: %r %r" % (status, out))
PY
}
