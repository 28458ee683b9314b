#!/usr/bin/env bats
# nckit's native format through the real binaries: flushing per line, the design card's
# ncenc | ncc / ncl | ncdec usage, and one-line failures for wrong password, tampering,
# truncation and ceilings. The format itself is tested in internal/native (Go).
# shellcheck disable=SC2016 # sh -c scripts take their paths as "$1"... on purpose

setup() {
	load common
	common_setup
	VEC="$NCKIT_ROOT/testdata/native"
	# The cheapest Argon2id a receiver accepts (OWASP's minimum), where the cost is not what
	# is tested.
	CHEAP=(-argon2-time 2 -argon2-memory 19)
}

teardown() {
	common_teardown
}

# one_line: stderr is exactly one line, "ncdec: " followed by REGEX.
# shellcheck disable=SC2154 # stderr and stderr_lines come from bats' run --separate-stderr
one_line() {
	[ "${#stderr_lines[@]}" -eq 1 ] || { printf 'stderr: %s\n' "$stderr" >&2; return 1; }
	[[ "$stderr" =~ ^ncdec:\ $1 ]] || { printf 'stderr: %s\n' "$stderr" >&2; return 1; }
}

# A line written into ncenc | ncdec comes out while stdin is still open, binary and armored.
@test "native: a line written into ncenc | ncdec comes out before stdin closes" {
	for armor in "" -a; do
		rm -f "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
		mkfifo "$BATS_TEST_TMPDIR/in"
		# shellcheck disable=SC2086
		spawn sh -c 'ncenc $1 -pass pass:pw -argon2-time 2 -argon2-memory 19 <"$2" | ncdec -pass pass:pw >"$3"' \
			_ "$armor" "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
		exec 4>"$BATS_TEST_TMPDIR/in"
		echo "first line" >&4
		wait_for_match "$BATS_TEST_TMPDIR/out" '^first line$'
		echo "second line" >&4
		wait_for_match "$BATS_TEST_TMPDIR/out" '^second line$'
		exec 4>&-
		wait "$BG_PID" # the pipeline ends, with status 0, once its input closes
		run -0 cat "$BATS_TEST_TMPDIR/out"
		assert_output $'first line\nsecond line'
	done
}

@test "native: echo hi | ncenc -pass chatpassword | ncc -N, ncl | ncdec with NCPASS" {
	spawn sh -c 'ncl -v 127.0.0.1 0 2>"$1" </dev/null | NCPASS=chatpassword ncdec >"$2" 2>"$3"' \
		_ "$BATS_TEST_TMPDIR/ncl.err" "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/ncdec.err"
	port=$(announced_port "$BATS_TEST_TMPDIR/ncl.err")
	run -0 sh -c "echo hi | ncenc -pass chatpassword | ncc -N 127.0.0.1 $port"
	wait_for_match "$BATS_TEST_TMPDIR/out" '^hi$'
	wait "$BG_PID" # ncl ends with the connection, then ncdec at EOF, both with status 0
	run -0 cat "$BATS_TEST_TMPDIR/out"
	assert_output hi
	[ ! -s "$BATS_TEST_TMPDIR/ncdec.err" ]
}

# The chat case: each typed line crosses ncenc -a | ncc and ncl | ncdec while the sender's
# stdin is still open.
@test "native: a line typed into ncenc -a | ncc comes out of ncl | ncdec at once" {
	spawn sh -c 'ncl -v 127.0.0.1 0 2>"$1" </dev/null | ncdec -pass pass:pw >"$2"' \
		_ "$BATS_TEST_TMPDIR/ncl.err" "$BATS_TEST_TMPDIR/out"
	receiver=$BG_PID
	port=$(announced_port "$BATS_TEST_TMPDIR/ncl.err")
	mkfifo "$BATS_TEST_TMPDIR/in"
	spawn sh -c 'ncenc -a -pass pass:pw -argon2-time 2 -argon2-memory 19 <"$1" | ncc -N 127.0.0.1 "$2"' \
		_ "$BATS_TEST_TMPDIR/in" "$port"
	sender=$BG_PID
	exec 4>"$BATS_TEST_TMPDIR/in"
	echo "hello bob" >&4
	wait_for_match "$BATS_TEST_TMPDIR/out" '^hello bob$'
	echo "still there?" >&4
	wait_for_match "$BATS_TEST_TMPDIR/out" '^still there\?$'
	exec 4>&-
	wait "$sender"
	wait "$receiver"
	run -0 cat "$BATS_TEST_TMPDIR/out"
	assert_output $'hello bob\nstill there?'
}

@test "native: streams sent one after another to ncl -k | ncdec decode one after another" {
	export NCPASS=chatpassword
	spawn sh -c 'ncl -k -v 127.0.0.1 0 2>"$1" </dev/null | ncdec >"$2"' \
		_ "$BATS_TEST_TMPDIR/ncl.err" "$BATS_TEST_TMPDIR/out"
	port=$(announced_port "$BATS_TEST_TMPDIR/ncl.err")
	run -0 sh -c "echo one | ncenc ${CHEAP[*]} | ncc -N 127.0.0.1 $port"
	wait_for_match "$BATS_TEST_TMPDIR/out" '^one$'
	run -0 sh -c "echo two | ncenc -a ${CHEAP[*]} | ncc -N 127.0.0.1 $port"
	wait_for_match "$BATS_TEST_TMPDIR/out" '^two$'
	run -0 cat "$BATS_TEST_TMPDIR/out"
	assert_output $'one\ntwo'
}

@test "native: a big file round-trips, binary and armored" {
	random_file "$BATS_TEST_TMPDIR/big" 1M
	for armor in "" -a; do
		# shellcheck disable=SC2086
		run -0 sh -c "ncenc $armor -pass pass:pw ${CHEAP[*]} <'$BATS_TEST_TMPDIR/big' | ncdec -pass pass:pw >'$BATS_TEST_TMPDIR/back'"
		[ "$(sha "$BATS_TEST_TMPDIR/back")" = "$(sha "$BATS_TEST_TMPDIR/big")" ]
	done
}

@test "native: ncdec reads the committed vectors within its KDF window" {
	run -0 ncdec -pass pass:chatpassword -in "$VEC/default-params.nck.txt"
	cmp <(printf '%s\n' "$output") "$VEC/default-params.plain"
	# the other vectors use 64 KiB of Argon2id memory: too cheap for a receiver (exit 3)
	run --separate-stderr -3 ncdec -pass pass:chatpassword -in "$VEC/hi.nck"
	assert_output ''
	one_line 'header asks argon2 memory 64 KiB, under the floor 7168 KiB: too cheap to guess against$'
}

# hi_stream FILE: a fresh binary stream of "hi" at the cheapest accepted cost, password pw.
hi_stream() {
	echo hi | ncenc -pass pass:pw "${CHEAP[@]}" >"$1"
}

@test "native: wrong password exits 3 with one line and no output" {
	hi_stream "$BATS_TEST_TMPDIR/t.nck"
	run --separate-stderr -3 ncdec -pass pass:pv -in "$BATS_TEST_TMPDIR/t.nck"
	assert_output ''
	one_line 'wrong password or corrupted header$'
	run --separate-stderr -3 sh -c "echo hi | ncenc -a -pass pass:right ${CHEAP[*]} | ncdec -pass pass:wrong"
	assert_output ''
	one_line 'wrong password or corrupted header$'
}

@test "native: a damaged salt cannot be told from a wrong password, and the line says so" {
	hi_stream "$BATS_TEST_TMPDIR/t.nck"
	# the salt starts after the 6-byte magic, version, time, 4-byte memory and threads
	printf '\x5a' | dd of="$BATS_TEST_TMPDIR/t.nck" bs=1 seek=13 conv=notrunc status=none
	run --separate-stderr -3 ncdec -pass pass:pw -in "$BATS_TEST_TMPDIR/t.nck"
	assert_output ''
	one_line 'wrong password or corrupted header$'
}

@test "native: a tampered stream exits 3 with one line and no unauthenticated output" {
	hi_stream "$BATS_TEST_TMPDIR/t.nck"
	# Flip one byte inside the DATA record's ciphertext (header 61 bytes + length 2).
	printf '\001' | dd of="$BATS_TEST_TMPDIR/t.nck" bs=1 seek=64 conv=notrunc status=none
	run --separate-stderr -3 ncdec -pass pass:pw -in "$BATS_TEST_TMPDIR/t.nck"
	assert_output ''
	one_line 'corrupted input: record 1 failed authentication'
}

@test "native: a truncated stream exits 3 with one line after only a true prefix" {
	random_file "$BATS_TEST_TMPDIR/big" 100K
	ncenc -pass pass:pw "${CHEAP[@]}" <"$BATS_TEST_TMPDIR/big" >"$BATS_TEST_TMPDIR/big.nck"
	head -c 60000 "$BATS_TEST_TMPDIR/big.nck" >"$BATS_TEST_TMPDIR/cut.nck"
	run --separate-stderr -3 ncdec -pass pass:pw -in "$BATS_TEST_TMPDIR/cut.nck" -out "$BATS_TEST_TMPDIR/cut.out"
	one_line 'stream truncated'
	# Whatever was written (ncdec keeps or drops a partial -out file) is a prefix.
	if [ -f "$BATS_TEST_TMPDIR/cut.out" ]; then
		cmp -n "$(wc -c <"$BATS_TEST_TMPDIR/cut.out")" "$BATS_TEST_TMPDIR/cut.out" "$BATS_TEST_TMPDIR/big"
	fi
	run --separate-stderr -3 sh -c "ncdec -pass pass:pw <'$BATS_TEST_TMPDIR/cut.nck' >'$BATS_TEST_TMPDIR/cut.stdout'"
	one_line 'stream truncated'
	[ "$(wc -c <"$BATS_TEST_TMPDIR/cut.stdout")" -eq 49152 ] # three full 16 KiB records
	cmp -n 49152 "$BATS_TEST_TMPDIR/cut.stdout" "$BATS_TEST_TMPDIR/big"
}

@test "native: headers outside the format or the KDF window are refused before derivation" {
	run --separate-stderr -3 ncdec -pass pass:chatpassword -in "$VEC/memory-ceiling.nck"
	assert_output ''
	one_line '.*argon2 memory 1048577 KiB exceeds the ceiling 1048576 KiB$'
	run --separate-stderr -3 ncdec -pass pass:chatpassword -in "$VEC/version-2.nck"
	one_line '.*version 2'
}

# header T MEMKIB: a version 1 header asking for these Argon2id parameters (no password fits).
header() {
	printf '\x9d\xc9\x22\xb4\x43\x42\x01'
	printf "\\x$(printf %02x "$1")"
	printf "\\x$(printf %02x $(($2 >> 24)))\\x$(printf %02x $((($2 >> 16) & 255)))"
	printf "\\x$(printf %02x $((($2 >> 8) & 255)))\\x$(printf %02x $(($2 & 255)))"
	printf '\x01'
	head -c 48 /dev/zero
}

@test "native: a 1 GiB header is refused at once in little memory, a cheap one too" {
	[ -x /usr/bin/time ] || skip "no /usr/bin/time to measure the peak memory"
	header 1 1048576 >"$BATS_TEST_TMPDIR/huge"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/huge")" -eq 61 ]
	local start end
	start=$(date +%s%N)
	run --separate-stderr -3 /usr/bin/time -q -f 'maxrss %M' ncdec -pass pass:pw -in "$BATS_TEST_TMPDIR/huge"
	end=$(date +%s%N)
	[ "${stderr_lines[0]}" = "ncdec: header asks argon2 memory 1048576 KiB, over this receiver's ceiling 262144 KiB (-argon2-max-memory MIB widens it)" ]
	local rss=${stderr##*maxrss }
	echo "took $(((end - start) / 1000000)) ms, maxrss $rss KiB" >&3
	[ "$rss" -lt 102400 ]
	[ $(((end - start) / 1000000)) -lt 500 ]
	# the same through a pipe, as from ncl
	run --separate-stderr -3 sh -c "ncdec -pass pass:pw <'$BATS_TEST_TMPDIR/huge'"
	header 1 8 >"$BATS_TEST_TMPDIR/cheap"
	run --separate-stderr -3 sh -c "ncdec -pass pass:pw <'$BATS_TEST_TMPDIR/cheap'"
	one_line 'header asks argon2 memory 8 KiB, under the floor 7168 KiB: too cheap to guess against$'
}

@test "native: an openssl message is refused by default, before any key derivation" {
	echo forged | openssl enc -aes-256-cbc -pbkdf2 -iter 50000000 -a -pass pass:pw >"$BATS_TEST_TMPDIR/o.txt"
	# 50 million PBKDF2 rounds take many seconds: a refusal in under 2 s derived nothing
	local start=$SECONDS
	run --separate-stderr -1 ncdec -pass pass:pw -in "$BATS_TEST_TMPDIR/o.txt"
	assert_output ''
	one_line 'openssl-format message refused: name its cipher \(e.g. -aes-256-cbc -pbkdf2\) or pass -detect$'
	[ $((SECONDS - start)) -lt 2 ]
}

@test "native: under ncl --each a failed openssl message is read to its end and exits 4" {
	head -c 5000 /dev/zero | openssl enc -aes-256-cbc -pbkdf2 -pass pass:pw >"$BATS_TEST_TMPDIR/ct"
	head -c -1 "$BATS_TEST_TMPDIR/ct" >"$BATS_TEST_TMPDIR/cut"
	# without NCL_PEER, openssl's exit status
	run --separate-stderr -1 sh -c "ncdec -aes-256-cbc -pbkdf2 -pass pass:pw <'$BATS_TEST_TMPDIR/cut'"
	one_line 'bad decrypt'
	# under ncl: exit 4, and nothing left unread in the pipe (the writer saw no EPIPE)
	run --separate-stderr -0 sh -c "{ cat '$BATS_TEST_TMPDIR/cut'; head -c 100000 /dev/zero; } |
		{ NCL_PEER=127.0.0.1:9 ncdec -aes-256-cbc -pbkdf2 -pass pass:pw >/dev/null; echo \"status \$?\"; }"
	assert_output 'status 4'
}

@test "native: a header that stops arriving times out" {
	hi_stream "$BATS_TEST_TMPDIR/t.nck"
	run --separate-stderr -0 sh -c "{ head -c 20 '$BATS_TEST_TMPDIR/t.nck'; sleep 3; } | {
		s=\$(date +%s%N); ncdec -pass pass:pw -header-timeout 0.5; echo \"\$? \$(((\$(date +%s%N) - s) / 1000000))\"; }"
	one_line 'reading input: timed out: the message.s header did not arrive within 500ms'
	local rc=${output% *} ms=${output#* }
	[ "$rc" -eq 1 ]
	[ "$ms" -lt 2000 ]
}

@test "native: ncenc refuses binary ciphertext to a terminal" {
	command -v script >/dev/null || skip "no script(1) to give ncenc a terminal"
	run -1 script -qec "echo hi | ncenc -pass pass:pw" /dev/null
	assert_output --partial 'ncenc: refusing to write binary ciphertext to a terminal'
	run -0 script -qec "echo hi | ncenc -a -pass pass:pw -argon2-time 2 -argon2-memory 19" /dev/null
	assert_output --partial 'nckitENC'
}
