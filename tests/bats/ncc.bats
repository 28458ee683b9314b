#!/usr/bin/env bats
# ncc, the connector: nc's client end-of-stream rules, --retry, -z, -q, -w, -d, -s/-p,
# resets. The command-line contract (messages, exit 2) is tested in Go (usage_test.go).

setup() {
	load common
	common_setup
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	common_teardown
}

# bound_port FILE: the port from a UDP listener's "Bound on HOST PORT" (-v), read the way
# OpenBSD's regress Makefile reads it.
bound_port() {
	wait_for_match "$1" '^Bound on ' || return 1
	sed -E -n 's/(Listening|Bound) on .* //p' "$1" | head -n 1
}

@test "ncc: a flag written after the operands is honoured (ncc host port -N)" {
	spawn ncl -v 127.0.0.1 0 </dev/null >out 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	run -0 ncc 127.0.0.1 "$port" -N <<<"late flag"
	expect_exit 0 "$pid"
	[ "$(cat out)" = "late flag" ]
}

@test "ncc: ends only when both stdin and the peer's data ended (nc client rule)" {
	printf 'from server\n' >msg
	spawn ncl -N -v 127.0.0.1 0 <msg 2>err
	port=$(announced_port err)
	mkfifo in
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	spawn sh -c 'exec ncc 127.0.0.1 "$0" <in >got' "$port"
	local pid=$BG_PID
	exec 4>in
	wait_for_match got '^from server$'
	# the server has sent its FIN; with stdin open ncc is still there
	still_running "$pid"
	exec 4>&-
	expect_exit 0 "$pid"
}

@test "ncc --retry: a sender started before its receiver loses nothing" {
	port=$(free_port)
	spawn ncc -N --retry 10 127.0.0.1 "$port" <<<"sent early"
	local sender=$BG_PID
	spawn ncl -v 127.0.0.1 "$port" </dev/null >out 2>err
	local receiver=$BG_PID
	expect_exit 0 "$sender"
	expect_exit 0 "$receiver"
	[ "$(cat out)" = "sent early" ]
}

@test "ncc: connection refused is one line and exit 1; --retry gives up after its deadline" {
	port=$(free_port)
	run -1 --separate-stderr ncc 127.0.0.1 "$port" </dev/null
	[ "$stderr" = "ncc: connect to 127.0.0.1:$port: connection refused" ]
	run -1 --separate-stderr ncc --retry 0.3 127.0.0.1 "$port" </dev/null
	[ "$stderr" = "ncc: connect to 127.0.0.1:$port: connection refused" ]
}

@test "ncc: unknown host is one line and exit 1" {
	run -1 --separate-stderr ncc no-such-host.invalid 80 </dev/null
	[ "$stderr" = "ncc: connect to no-such-host.invalid:80: unknown host" ]
}

@test "ncc -z: probes without sending; status is the answer, -v says more" {
	spawn ncl -k -v 127.0.0.1 0 </dev/null >out 2>err
	port=$(announced_port err)
	run -0 --separate-stderr ncc -z 127.0.0.1 "$port" <<<"never sent"
	[ "$output" = "" ] && [ "$stderr" = "" ]
	run -0 --separate-stderr ncc -zv 127.0.0.1 "$port"
	[ "$stderr" = "Connection to 127.0.0.1 $port port [tcp/*] succeeded!" ]
	free=$(free_port)
	run -1 --separate-stderr ncc -z 127.0.0.1 "$free"
	[ "$stderr" = "" ]
	run -1 --separate-stderr ncc -zv 127.0.0.1 "$free"
	[ "$stderr" = "ncc: connect to 127.0.0.1:$free: connection refused" ]
	[ ! -s out ]
}

@test "ncc -N: a peer that resets instead of closing cleanly makes ncc exit 1" {
	spawn reset_server err
	port=$(announced_port err)
	run -1 --separate-stderr ncc -N 127.0.0.1 "$port" <<<"not processed"
	[[ $stderr =~ ^ncc:\ (receive\ from|send\ to)\ 127\.0\.0\.1:$port:\ (connection\ reset\ by\ peer|broken\ pipe)$ ]]
}

@test "ncc: stdout closed by its reader resets the connection and exits 1" {
	random_file big 8M
	spawn ncl -N -v 127.0.0.1 0 <big 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	# shellcheck disable=SC2016 # expanded by the inner bash
	run -0 bash -c 'ncc -d 127.0.0.1 "$1" 2>ncc.err | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}"' _ "$port"
	[ "$output" = 1 ]
	grep -Eq "^ncc: write stdout: broken pipe: connection to 127\.0\.0\.1:$port reset so the sender knows$" ncc.err
	expect_exit 1 "$pid"
	# ncl learns of the reset while sending, or, when the kernel's buffers took the whole
	# file, while reading from the peer afterwards.
	grep -Eq "^ncl: (send to|receive from) 127\.0\.0\.1:[0-9]+: (connection reset by peer|broken pipe)$" err
}

@test "ncc -d: stdin is not read; ncc ends when the peer closes" {
	spawn ncl -N -v 127.0.0.1 0 <<<"server says" >out 2>err
	port=$(announced_port err)
	run -0 --separate-stderr ncc -d 127.0.0.1 "$port" <<<"never sent"
	[ "$output" = "server says" ]
	[ ! -s out ]
}

@test "ncc -q: quits after EOF on stdin although the peer keeps the connection open" {
	# the peer's command holds the connection 30 s after reading everything
	spawn ncl --each 'cat >/dev/null; sleep 30; echo late' -v 127.0.0.1 0 >out 2>err
	port=$(announced_port err)
	run -0 ncc -q 0.2 127.0.0.1 "$port" <<<"msg"
	[ ! -s out ]
}

@test "ncc -w: idle timeout ends the connection with exit 0" {
	open_stdin in
	spawn ncl -v 127.0.0.1 0 <in 2>err
	port=$(announced_port err)
	open_stdin cin
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	spawn sh -c 'exec ncc -w 0.3 127.0.0.1 "$0" <cin' "$port"
	expect_exit 0 "$BG_PID"
}

@test "ncc -s/-p: connects from the given local address and port" {
	spawn ncl -v 127.0.0.1 0 </dev/null 2>err
	port=$(announced_port err)
	src=$(free_port)
	run -0 ncc -N -s 127.0.0.1 -p "$src" 127.0.0.1 "$port" </dev/null
	grep -qx "Connection received on localhost $src" err
}

@test "ncc -4/-6: IPv4 and IPv6 loopback" {
	spawn ncl -6 -v ::1 0 </dev/null >out6 2>err6
	local pid=$BG_PID
	port=$(announced_port err6)
	grep -qx "Listening on ::1 $port" err6
	run -0 ncc -6 -N ::1 "$port" <<<"over v6"
	expect_exit 0 "$pid"
	[ "$(cat out6)" = "over v6" ]
	run -1 --separate-stderr ncc -4 -N ::1 "$port" </dev/null
	[[ $stderr =~ ^ncc:\ connect\ to\ \[::1\]:$port: ]]

	spawn ncl -4 -v 0 </dev/null >out4 2>err4
	pid=$BG_PID
	port=$(announced_port err4)
	grep -qx "Listening on 0.0.0.0 $port" err4
	run -0 ncc -4 -N localhost "$port" <<<"over v4"
	expect_exit 0 "$pid"
	[ "$(cat out4)" = "over v4" ]
}

@test "ncc -U and -u: unix-domain and UDP" {
	spawn ncl -v -U s.sock <<<"unix reply" >out 2>err
	wait_for_match err '^Listening on s\.sock$'
	run -0 --separate-stderr ncc -N -U s.sock <<<"unix hello"
	[ "$output" = "unix reply" ]
	[ "$(cat out)" = "unix hello" ]

	spawn ncl -u -v 127.0.0.1 0 </dev/null >uout 2>uerr
	port=$(bound_port uerr)
	run -0 ncc -u -q 0 127.0.0.1 "$port" <<<"udp hello"
	wait_for_match uout '^udp hello$'
}

# size_at_least FILE BYTES: wait (up to 10 s) until FILE holds at least BYTES bytes.
size_at_least() {
	local i
	for ((i = 0; i < 500; i++)); do
		[ "$(wc -c <"$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		sleep 0.02
	done
	echo "$1 never reached $2 bytes" >&2
	return 1
}

@test "ncc/ncl killed mid-transfer (INT, TERM): the connection is reset, the peer exits 1, one line" {
	# ncc interrupted: ncl must not take the cut transfer for a complete one (nc exits 0).
	spawn ncl -v 127.0.0.1 0 </dev/null >out 2>err
	local ncl=$BG_PID ncc
	port=$(announced_port err)
	mkfifo in
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	spawn sh -c 'exec >"$0"; head -c 1048576 /dev/zero; exec sleep 600' in
	spawn ncc -N 127.0.0.1 "$port" <in 2>ncc.err
	ncc=$BG_PID
	size_at_least out 1048576
	kill -INT "$ncc"
	expect_exit 130 "$ncc"
	[ "$(cat ncc.err)" = "ncc: interrupted: connection reset, transfer incomplete" ]
	expect_exit 1 "$ncl"
	grep -Eq "^ncl: receive from 127\.0\.0\.1:[0-9]+: connection reset by peer$" err

	# ncl terminated: its sender fails too.
	open_stdin in2
	spawn ncl -v 127.0.0.1 0 <in2 >out2 2>err2
	ncl=$BG_PID
	port=$(announced_port err2)
	mkfifo in3
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	spawn sh -c 'exec >"$0"; head -c 1048576 /dev/zero; exec sleep 600' in3
	spawn ncc -N 127.0.0.1 "$port" <in3 2>ncc2.err
	ncc=$BG_PID
	size_at_least out2 1048576
	kill -TERM "$ncl"
	expect_exit 143 "$ncl"
	[ "$(grep '^ncl:' err2)" = "ncl: interrupted: connection reset, transfer incomplete" ]
	expect_exit 1 "$ncc"
	grep -Eq "^ncc: (receive from|send to) 127\.0\.0\.1:$port: (connection reset by peer|broken pipe)$" ncc2.err
}
