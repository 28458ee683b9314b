#!/usr/bin/env bats
# chat.sh: one connection, one encrypted stream each way, each line shown as soon as it is
# typed with a "peer> " prefix, status lines on stderr, a calm end whichever side leaves.

setup() {
	load common
	scripts_setup
}
teardown() { common_teardown; }

# start_a [ARGS...]: chat.sh -l ARGS (default: port 0) typing from fd 7; output in
# $T/a.{out,err}, exit status in $T/a.rc; sets PORT_A and A_PID (its process group).
start_a() {
	mkfifo "$T/a.in"
	exec 7<>"$T/a.in"
	[ $# -gt 0 ] || set -- 0
	spawn bash -c 'exec 7>&- 8>&-; chat.sh -l "${@:5}" <"$1" >"$2" 2>"$3"; echo "$?" >"$4"' _ \
		"$T/a.in" "$T/a.out" "$T/a.err" "$T/a.rc" "$@"
	A_PID=$BG_PID
	PORT_A=$(announced_port "$T/a.err")
}

# start_b [ENV...]: chat.sh HOST PORT_A (arguments, no PORT) typing from fd 8; $T/b.*, B_PID.
start_b() {
	mkfifo "$T/b.in"
	exec 8<>"$T/b.in"
	spawn env "$@" bash -c 'exec 7>&- 8>&-; unset PORT; chat.sh 127.0.0.1 "$5" <"$1" >"$2" 2>"$3"; echo "$?" >"$4"' _ \
		"$T/b.in" "$T/b.out" "$T/b.err" "$T/b.rc" "$PORT_A"
	B_PID=$BG_PID
}

# talk: lines each way, each waited for on the other side before the next one is typed.
talk() {
	printf 'hello from A\n' >&7
	wait_for_match "$T/b.out" '^peer> hello from A$'
	printf 'hello from B\n' >&8
	wait_for_match "$T/a.out" '^peer> hello from B$'
	printf '  spaced  out, back\\slash, ünïcödé\n' >&7
	wait_for_match "$T/b.out" 'ünïcödé$'
}

@test "chat: host and port as arguments; waiting, connected; peer lines prefixed; Ctrl+D on B" {
	start_a 127.0.0.1 0
	run -0 cat "$T/a.err"
	assert_output --regexp '^chat\.sh: listening on 127\.0\.0\.1:[0-9]+: waiting for someone to join$'
	start_b
	talk
	exec 8>&- # B: Ctrl+D
	run -0 status_of "$T/b.rc"
	assert_output 0
	run -0 status_of "$T/a.rc"
	assert_output 0
	run -0 cat "$T/a.out"
	assert_output 'peer> hello from B'
	run -0 cat "$T/b.out"
	assert_output $'peer> hello from A\npeer>   spaced  out, back\\slash, ünïcödé'
	run -0 cat "$T/b.err"
	assert_output "chat.sh: waiting for 127.0.0.1:$PORT_A
chat.sh: connected to 127.0.0.1:$PORT_A
chat.sh: you left the chat"
	run -0 grep -c -v -e 'listening on' -e 'joined the chat' "$T/a.err"
	assert_output 1
	run -0 tail -n 1 "$T/a.err"
	assert_output 'chat.sh: the other side left the chat'
	exec 7>&-
}

@test "chat: the listener leaves first (Ctrl+D), both end with one calm line" {
	start_a
	start_b
	talk
	exec 7>&-
	run -0 status_of "$T/a.rc"
	assert_output 0
	run -0 status_of "$T/b.rc"
	assert_output 0
	run -0 tail -n 1 "$T/b.err"
	assert_output 'chat.sh: the other side left the chat'
	run -0 tail -n 1 "$T/a.err"
	assert_output 'chat.sh: you left the chat'
	exec 8>&-
}

# ctrl_c SIDE PID: Ctrl+C on that side (INT to its process group, as a terminal sends it),
# then both sides end with status 0 and exactly one calm last line, no tool's line.
ctrl_c() {
	kill -INT -- "-$2"
	run -0 status_of "$T/a.rc"
	assert_output 0
	run -0 status_of "$T/b.rc"
	assert_output 0
	local other=a
	[ "$1" = b ] || other=b
	run -0 tail -n 1 "$T/$1.err"
	assert_output 'chat.sh: you left the chat'
	run -0 tail -n 1 "$T/$other.err"
	assert_output 'chat.sh: the other side left the chat'
	run -1 grep -h -e 'ncc:' -e 'ncdec:' -e 'ncl:' -e 'ncenc:' -e 'reset' -e '^$' "$T/a.err" "$T/b.err"
}

@test "chat: Ctrl+C on the listener ends both calmly" {
	start_a
	start_b
	talk
	ctrl_c a "$A_PID"
	exec 7>&- 8>&-
}

@test "chat: Ctrl+C on the connector ends both calmly" {
	start_a
	start_b
	talk
	ctrl_c b "$B_PID"
	exec 7>&- 8>&-
}

@test "chat: never connected (nobody listening): one line, exit 1" {
	FREE_PORT=$(free_port)
	run -1 --separate-stderr chat.sh 127.0.0.1 "$FREE_PORT" <<<'hi'
	assert_output ''
	[ "$stderr" = "chat.sh: waiting for 127.0.0.1:$FREE_PORT
chat.sh: nobody is listening on 127.0.0.1:$FREE_PORT: start the receiver first" ]
	PORT=$FREE_PORT run -1 --separate-stderr chat.sh <<<'hi'
	[[ $stderr == *"nobody is listening on 127.0.0.1:$FREE_PORT"* ]]
}

@test "chat: a third person is told at once that it is busy; the chat goes on" {
	start_a
	start_b
	talk
	local t0=${EPOCHREALTIME/./}
	run -1 --separate-stderr timeout 10 chat.sh 127.0.0.1 "$PORT_A" </dev/null
	[ $(((${EPOCHREALTIME/./} - t0) / 1000)) -lt 3000 ]
	[[ $stderr == *"chat.sh: 127.0.0.1:$PORT_A is busy: someone else is connected; try again later" ]]
	wait_for_match "$T/a.err" 'tried to join: told it is busy'
	printf 'still here\n' >&7
	wait_for_match "$T/b.out" '^peer> still here$'
	exec 7>&- 8>&-
}

@test "chat: a different password: both sides say so in one line, the listener waits on" {
	start_a
	NCPASS=other run -1 --separate-stderr timeout 30 chat.sh 127.0.0.1 "$PORT_A" <<<'secret'
	[[ $stderr == *$'\n'"chat.sh: wrong password (the other side uses a different one)" ]]
	[[ $stderr != *ncdec* ]]
	wait_for_match "$T/a.err" 'tried to join with a different password: refused'
	run -0 cat "$T/a.out"
	assert_output ''
	# the listener is still there for the right person
	start_b
	talk
	exec 7>&- 8>&-
}

@test "chat: a peer that vanishes (kill -9) is a broken connection, exit 1" {
	start_a
	start_b
	talk
	# every process of B at once, ncc and ncenc too (they run in sessions of their own)
	local pids=$B_PID new=$B_PID p
	while [ -n "$new" ]; do
		new=$(for p in $new; do pgrep -P "$p"; done | tr '\n' ' ')
		pids="$new $pids" # the deepest first: no ncenc sees its input end and signs off
	done
	# shellcheck disable=SC2086 # a list of pids
	kill -KILL $pids
	run -0 status_of "$T/a.rc"
	assert_output 1
	run -0 tail -n 1 "$T/a.err"
	assert_output 'chat.sh: the other side left (the connection broke)'
	exec 7>&- 8>&-
}

@test "chat: a mirror reflecting the listener's own stream gets nothing shown" {
	start_a
	mkfifo "$T/mirror"
	spawn bash -c 'exec 7>&- 9<>"$1"; exec ncc 127.0.0.1 "$2" <&9 >&9 9>&-' _ "$T/mirror" "$PORT_A"
	# the listener ends it: its own nonce comes back as the connector's, then no header
	# within ncdec's 10 s
	local rc=0
	wait_exit "$BG_PID" 20 || rc=$?
	[ "$rc" != 124 ]
	printf 'my own words\n' >&7
	run -0 cat "$T/a.out"
	assert_output ''
	exec 7>&-
}

@test "chat: NCFORMAT=openssl is refused (native only)" {
	NCFORMAT=openssl run -2 --separate-stderr chat.sh -l 0
	[[ $stderr == "chat.sh: chat.sh speaks the native format only (unset NCFORMAT)"* ]]
}
