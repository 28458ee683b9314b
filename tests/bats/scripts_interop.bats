#!/usr/bin/env bats
# Interoperability with the tutorial's original v1 scripts (tests/fixtures/tutorial, real
# openssl and OpenBSD nc), both ways, with NCFORMAT=openssl. The originals are paced: each
# message is waited for on the receiving side before the next is typed, so that the originals
# themselves do not drop any (their receiver does not listen between two messages).

setup() {
	load common
	scripts_setup
	require_peers
	export NCFORMAT=openssl
}
teardown() { common_teardown; }

# typist: fd 7 becomes the only writer of the fifo $T/in, whose reader is started next
# (with `<"$T/in" 7>&-`, so that closing fd 7 here is its end of input). O_RDWR on a fifo
# does not block, so neither side waits for the other to open it.
typist() {
	mkfifo "$T/in"
	exec 7<>"$T/in"
}

# paced OUTFILE N PREFIX: type N lines one at a time on fd 7, each only after the previous one
# shows up in OUTFILE, then end the input.
paced() {
	local out=$1 n=$2 prefix=$3 i
	for ((i = 1; i <= n; i++)); do
		printf '%s %d\n' "$prefix" "$i" >&7
		wait_for_match "$out" "^$prefix $i\$" 30
	done
	exec 7>&-
}

@test "interop: the tutorial's sender (openssl + nc) to secure_receiver.sh" {
	start_receiver secure_receiver.sh
	typist
	spawn env PORT="$RPORT" "$FIXTURES/secure_sender.sh" <"$T/in" 7>&- >/dev/null 2>"$T/orig.err"
	paced "$T/out" 20 "from the original"
	run -0 diff <(lines 20 "from the original") "$T/out"
}

@test "interop: the tutorial's sender to secure_receiver_v2.sh" {
	start_receiver secure_receiver_v2.sh
	typist
	spawn env PORT="$RPORT" "$FIXTURES/secure_sender.sh" <"$T/in" 7>&- >/dev/null 2>"$T/orig.err"
	printf 'hello from the original\n' >&7
	exec 7>&-
	wait_for_match "$T/out" 'Decrypted message: hello from the original$'
	run -0 cat "$T/out"
	assert_line --regexp 'Encrypted message received from 127\.0\.0\.1:[0-9]+: U2FsdGVkX1'
}

@test "interop: secure_sender.sh to the tutorial's receiver (nc -l loop + openssl)" {
	FREE_PORT=$(free_port)
	spawn env PORT="$FREE_PORT" "$FIXTURES/secure_receiver.sh" >"$T/out" 2>"$T/orig.err"
	typist
	# NCRETRY covers the original's gaps between two nc -l runs (and its start-up).
	spawn env PORT="$FREE_PORT" NCRETRY=10 secure_sender.sh <"$T/in" 7>&- >/dev/null 2>"$T/sender.err"
	local sender=$BG_PID
	paced "$T/out" 20 "from nckit"
	run -0 diff <(printf 'Waiting for messages...\n'; lines 20 "from nckit") "$T/out"
	wait "$sender"
}

@test "interop: secure_sender_v2.sh to the tutorial's receiver" {
	FREE_PORT=$(free_port)
	spawn env PORT="$FREE_PORT" "$FIXTURES/secure_receiver.sh" >"$T/out" 2>"$T/orig.err"
	PORT=$FREE_PORT NCRETRY=10 run -0 timeout 60 secure_sender_v2.sh <<<'hello from v2'
	assert_line "Message sent successfully! (received; this format cannot tell more)"
	wait_for_match "$T/out" '^\[[0-9:]{8}\] hello from v2$'
}

@test "interop: unpaced, secure_sender.sh loses nothing even to the tutorial's receiver" {
	# The original sender loses messages here (refused between two nc -l runs, unnoticed);
	# ncc --retry waits for the next nc -l, and ncc -N says when each one got through.
	FREE_PORT=$(free_port)
	spawn env PORT="$FREE_PORT" "$FIXTURES/secure_receiver.sh" >"$T/out" 2>"$T/orig.err"
	lines 30 "unpaced" >"$T/msgs"
	PORT=$FREE_PORT NCRETRY=10 run -0 timeout 300 secure_sender.sh <"$T/msgs"
	wait_for_match "$T/out" '^unpaced 30$'
	run -0 diff <(printf 'Waiting for messages...\n'; cat "$T/msgs") "$T/out"
}

@test "interop: real openssl decrypts the bytes secure_sender.sh puts on the wire" {
	FREE_PORT=$(free_port)
	spawn nc -l 127.0.0.1 "$FREE_PORT" >"$T/wire"
	local nc=$BG_PID
	PORT=$FREE_PORT NCRETRY=10 run -0 timeout 60 secure_sender.sh <<<'on the wire'
	wait "$nc"
	run -0 openssl enc -d -aes-256-cbc -salt -base64 -pbkdf2 -iter 10000 -pass env:NCPASS -in "$T/wire"
	assert_output 'on the wire'
}
