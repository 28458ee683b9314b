#!/usr/bin/env bats
# nckit's native format through the real binaries: flushing per line, the design card's
# ncenc | ncc / ncl | ncdec usage, and one-line failures for wrong password, tampering,
# truncation and ceilings. The format itself is tested in internal/native (Go).
# shellcheck disable=SC2016 # sh -c scripts take their paths as "$1"... on purpose

setup() {
	load common
	common_setup
	VEC="$NCKIT_ROOT/testdata/native"
	# Cheap Argon2id where the cost is not what is tested.
	CHEAP=(-argon2-time 1 -argon2-memory 8)
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
		spawn sh -c 'ncenc $1 -pass pass:pw -argon2-time 1 -argon2-memory 8 <"$2" | ncdec -pass pass:pw >"$3"' \
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
	spawn sh -c 'ncenc -a -pass pass:pw -argon2-time 1 -argon2-memory 8 <"$1" | ncc -N 127.0.0.1 "$2"' \
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

@test "native: ncdec reads the committed vectors" {
	run -0 ncdec -pass pass:chatpassword -in "$VEC/hi.nck"
	assert_output hi
	run -0 ncdec -pass pass:chatpassword -in "$VEC/lines-armored-crlf.nck.txt"
	assert_output $'hello\nworld'
	run -0 ncdec -pass pass:chatpassword -in "$VEC/three-records.nck" -out "$BATS_TEST_TMPDIR/three"
	cmp "$BATS_TEST_TMPDIR/three" "$VEC/three-records.plain"
}

@test "native: wrong password exits 1 with one line and no output" {
	run --separate-stderr -1 ncdec -pass pass:chatpasswore -in "$VEC/hi.nck"
	assert_output ''
	one_line 'wrong password or corrupted header$'
	run --separate-stderr -1 sh -c "echo hi | ncenc -a -pass pass:right ${CHEAP[*]} | ncdec -pass pass:wrong"
	assert_output ''
	one_line 'wrong password or corrupted header$'
}

@test "native: a damaged salt cannot be told from a wrong password, and the line says so" {
	cp "$VEC/hi.nck" "$BATS_TEST_TMPDIR/t.nck"
	# the salt starts after the 6-byte magic, version, time, 4-byte memory and threads
	printf '\x5a' | dd of="$BATS_TEST_TMPDIR/t.nck" bs=1 seek=13 conv=notrunc status=none
	run --separate-stderr -1 ncdec -pass pass:chatpassword -in "$BATS_TEST_TMPDIR/t.nck"
	assert_output ''
	one_line 'wrong password or corrupted header$'
}

@test "native: a tampered stream exits 1 with one line and no unauthenticated output" {
	cp "$VEC/hi.nck" "$BATS_TEST_TMPDIR/t.nck"
	# Flip one byte inside the DATA record's ciphertext (header 61 bytes + length 2).
	printf '\001' | dd of="$BATS_TEST_TMPDIR/t.nck" bs=1 seek=64 conv=notrunc status=none
	run --separate-stderr -1 ncdec -pass pass:chatpassword -in "$BATS_TEST_TMPDIR/t.nck"
	assert_output ''
	one_line 'corrupted input: record 1 failed authentication'
	run --separate-stderr -1 ncdec -pass pass:chatpassword -in "$VEC/reordered.nck"
	assert_output ''
	one_line 'corrupted input'
}

@test "native: a truncated stream exits 1 with one line after only a true prefix" {
	random_file "$BATS_TEST_TMPDIR/big" 100K
	ncenc -pass pass:pw "${CHEAP[@]}" <"$BATS_TEST_TMPDIR/big" >"$BATS_TEST_TMPDIR/big.nck"
	head -c 60000 "$BATS_TEST_TMPDIR/big.nck" >"$BATS_TEST_TMPDIR/cut.nck"
	run --separate-stderr -1 ncdec -pass pass:pw -in "$BATS_TEST_TMPDIR/cut.nck" -out "$BATS_TEST_TMPDIR/cut.out"
	one_line 'stream truncated'
	# Whatever was written (ncdec keeps or drops a partial -out file) is a prefix.
	if [ -f "$BATS_TEST_TMPDIR/cut.out" ]; then
		cmp -n "$(wc -c <"$BATS_TEST_TMPDIR/cut.out")" "$BATS_TEST_TMPDIR/cut.out" "$BATS_TEST_TMPDIR/big"
	fi
	run --separate-stderr -1 sh -c "ncdec -pass pass:pw <'$BATS_TEST_TMPDIR/cut.nck' >'$BATS_TEST_TMPDIR/cut.stdout'"
	one_line 'stream truncated'
	[ "$(wc -c <"$BATS_TEST_TMPDIR/cut.stdout")" -eq 49152 ] # three full 16 KiB records
	cmp -n 49152 "$BATS_TEST_TMPDIR/cut.stdout" "$BATS_TEST_TMPDIR/big"
	run --separate-stderr -1 ncdec -pass pass:chatpassword -in "$VEC/truncated.nck"
	one_line 'stream truncated: input ended after 1 records'
}

@test "native: parameters above the ceilings are refused before derivation, naming the value" {
	run --separate-stderr -1 ncdec -pass pass:chatpassword -in "$VEC/memory-ceiling.nck"
	assert_output ''
	one_line '.*argon2 memory 1048577 KiB exceeds the ceiling 1048576 KiB$'
	run --separate-stderr -1 ncdec -pass pass:chatpassword -in "$VEC/version-2.nck"
	one_line '.*version 2'
}

@test "native: ncenc refuses binary ciphertext to a terminal" {
	command -v script >/dev/null || skip "no script(1) to give ncenc a terminal"
	run -1 script -qec "echo hi | ncenc -pass pass:pw" /dev/null
	assert_output --partial 'ncenc: refusing to write binary ciphertext to a terminal'
	run -0 script -qec "echo hi | ncenc -a -pass pass:pw -argon2-time 1 -argon2-memory 8" /dev/null
	assert_output --partial 'nckitENC'
}
