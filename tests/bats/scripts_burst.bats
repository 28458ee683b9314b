#!/usr/bin/env bats
# Nothing lost: a burst of messages, each on its own connection, sent as fast as the sender
# goes, arrives complete and in order, because the receiver keeps one listening socket
# (ncl -k) for its whole run. The tutorial's receiver lost about half of 200 this way.

setup() {
	load common
	scripts_setup
}
teardown() { common_teardown; }

# burst N FORMAT: N messages from secure_sender.sh to secure_receiver.sh; all must arrive,
# in order, and the sender must report every one delivered.
burst() {
	local n=$1 start ms
	export NCFORMAT=$2
	start_receiver secure_receiver.sh
	lines "$n" "burst message" >"$T/msgs"
	start=${EPOCHREALTIME/./}
	PORT=$RPORT run -0 --separate-stderr timeout 600 secure_sender.sh <"$T/msgs"
	wait_for_match "$T/out" "^burst message $n\$" 60
	ms=$(((${EPOCHREALTIME/./} - start) / 1000))
	run -0 diff "$T/msgs" "$T/out"
	printf '# %d messages (%s format): %d received, 0 lost, %d.%03d s\n' \
		"$n" "$2" "$(wc -l <"$T/out")" "$((ms / 1000))" "$((ms % 1000))" >&3
}

@test "burst: 1000 messages in the openssl format, none lost, in order" {
	burst 1000 openssl
}

@test "burst: 200 messages in the native format, none lost, in order" {
	# One session, acknowledged line by line; the cheapest accepted KDF cost (scripts_setup).
	burst 200 native
}

@test "burst: two senders at once, interleaved, each message intact and each sender in order" {
	export NCFORMAT=openssl
	start_receiver secure_receiver.sh
	lines 100 "sender A" >"$T/a"
	lines 100 "sender B" >"$T/b"
	spawn env PORT="$RPORT" secure_sender.sh <"$T/a" >/dev/null 2>"$T/a.err"
	PORT=$RPORT run -0 timeout 300 secure_sender.sh <"$T/b"
	wait_for_match "$T/out" '^sender A 100$' 120
	wait_for_match "$T/out" '^sender B 100$' 120
	run -0 diff "$T/a" <(grep '^sender A' "$T/out")
	run -0 diff "$T/b" <(grep '^sender B' "$T/out")
	run -0 wc -l <"$T/out"
	assert_output 200
}
