#!/usr/bin/env bats
# The two Argon2id runs of a binary native stream overlap: ncenc sends the header's public part
# before its run and the commitment after, ncdec runs its own on the public part. A wrong
# password must still be reported as a wrong password every time, on both sides, whatever the
# order in which the two runs end (FORMAT.md section 10).

setup() {
	load common
	common_setup
	# The cheapest Argon2id a receiver accepts: many rounds, and the sender's and the
	# receiver's runs still take about as long as each other, which is what races.
	CHEAP=(-argon2-time 2 -argon2-memory 19)
	ROUNDS=200
}

teardown() {
	common_teardown
}

@test "overlap: ncenc | ncdec with another password says so, 200 times in 200" {
	local i err bad=0
	err="$BATS_TEST_TMPDIR/err"
	for ((i = 0; i < ROUNDS; i++)); do
		local rc=0
		echo hi | ncenc -pass pass:a "${CHEAP[@]}" | ncdec -pass pass:b >"$BATS_TEST_TMPDIR/out" 2>"$err" || rc=$?
		if [ "$rc" != 3 ] || [ -s "$BATS_TEST_TMPDIR/out" ] ||
			[ "$(cat "$err")" != "ncdec: wrong password or corrupted header" ]; then
			bad=$((bad + 1))
			printf 'round %d: exit %s, stderr: %s\n' "$i" "$rc" "$(cat "$err")" >&2
		fi
	done
	[ "$bad" = 0 ]
}

@test "overlap: ncenc | ncc into ncl --each ncdec with another password: the receiver says wrong password, the sender sees the reset, 200 times in 200" {
	local i bad=0 port rc
	for ((i = 0; i < ROUNDS; i++)); do
		# one listener per round: ncl's rate limit of failed authentications is not tested here
		spawn ncl -v --each "ncdec -pass pass:b ${CHEAP[*]}" 127.0.0.1 0 </dev/null 2>"$BATS_TEST_TMPDIR/ncl.$i"
		port=$(announced_port "$BATS_TEST_TMPDIR/ncl.$i")
		rc=0
		echo hi | ncenc -pass pass:a "${CHEAP[@]}" | ncc -N 127.0.0.1 "$port" 2>"$BATS_TEST_TMPDIR/ncc" || rc=$?
		if [ "$rc" != 1 ] || ! grep -Eq '^ncc: .*(connection reset by peer|broken pipe)$' "$BATS_TEST_TMPDIR/ncc"; then
			bad=$((bad + 1))
			printf 'round %d: ncc exit %s: %s\n' "$i" "$rc" "$(cat "$BATS_TEST_TMPDIR/ncc")" >&2
		fi
		wait_exit "$BG_PID" || true
		if ! grep -qx 'ncdec: wrong password or corrupted header' "$BATS_TEST_TMPDIR/ncl.$i"; then
			bad=$((bad + 1))
			printf 'round %d: ncl: %s\n' "$i" "$(cat "$BATS_TEST_TMPDIR/ncl.$i")" >&2
		fi
	done
	[ "$bad" = 0 ]
}

# shellcheck disable=SC2154 # stderr_lines comes from bats' run --separate-stderr
@test "overlap: a header asking 1 GiB is refused on its public part, before the commitment, in little memory" {
	local huge="$BATS_TEST_TMPDIR/huge"
	# a version 1 header's public part: magic, version, t=1, m=1048576 KiB, p=1, a zero salt
	printf '\x9d\xc9\x22\xb4\x43\x42\x01\x01\x00\x10\x00\x00\x01' >"$huge"
	head -c 16 /dev/zero >>"$huge"
	[ "$(wc -c <"$huge")" -eq 29 ]
	mkfifo "$BATS_TEST_TMPDIR/in"
	# the pipe stays open (its writer never sends the commitment) until ncdec has answered
	# shellcheck disable=SC2016 # $1 and $2 are the inner sh's
	spawn sh -c 'exec >"$2"; cat "$1"; exec sleep 600' _ "$huge" "$BATS_TEST_TMPDIR/in"
	run --separate-stderr -3 timeout 10 /usr/bin/time -q -f 'maxrss %M' ncdec -pass pass:pw <"$BATS_TEST_TMPDIR/in"
	[ "${stderr_lines[0]}" = "ncdec: header asks argon2 memory 1048576 KiB, over this receiver's ceiling 262144 KiB (-argon2-max-memory MIB widens it)" ]
	[[ ${stderr_lines[1]} =~ ^maxrss\ ([0-9]+)$ ]]
	[ "${BASH_REMATCH[1]}" -lt 16384 ]
}
