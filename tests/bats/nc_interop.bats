#!/usr/bin/env bats
# ncl/ncc against the real OpenBSD nc, in both roles, over TCP, UDP and unix sockets; and
# the end-of-stream rules checked side by side: each scenario runs with nc and with
# ncl/ncc and must end the same way.

setup() {
	load common
	common_setup
	require_peers
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	common_teardown
}

# nc_udp_port FILE: the port from OpenBSD nc -u -l -v's "Bound on HOST PORT".
nc_udp_port() {
	wait_for_match "$1" 'Bound on ' || return 1
	sed -nE 's/^Bound on .* ([0-9]+)$/\1/p' "$1" | head -n 1
}

@test "interop tcp: nc -> ncl and ncc -> nc -l, text" {
	spawn ncl -v 127.0.0.1 0 </dev/null >out 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	run -0 nc -N 127.0.0.1 "$port" <<<"from nc"
	expect_exit 0 "$pid"
	[ "$(cat out)" = "from nc" ]

	spawn nc -v -l 127.0.0.1 0 </dev/null >nout 2>nerr
	pid=$BG_PID
	port=$(announced_port nerr)
	run -0 ncc -N 127.0.0.1 "$port" <<<"from ncc"
	expect_exit 0 "$pid"
	[ "$(cat nout)" = "from ncc" ]
}

@test "interop tcp: 4 MiB files both roles, both directions, equal sha256" {
	random_file f 4M
	random_file g 4M
	# nc connects: f up to ncl, g down from ncl
	spawn ncl -N -v 127.0.0.1 0 <g >up 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	nc -N 127.0.0.1 "$port" <f >down
	expect_exit 0 "$pid"
	[ "$(sha up)" = "$(sha f)" ] && [ "$(sha down)" = "$(sha g)" ]

	# ncc connects to nc -l
	rm -f up down
	spawn nc -N -v -l 127.0.0.1 0 <g >up 2>nerr
	pid=$BG_PID
	port=$(announced_port nerr)
	ncc -N 127.0.0.1 "$port" <f >down
	expect_exit 0 "$pid"
	[ "$(sha up)" = "$(sha f)" ] && [ "$(sha down)" = "$(sha g)" ]
}

@test "interop tcp: serving a file with -N to a -d client, both pairings" {
	random_file f 1M
	spawn ncl -N -v 127.0.0.1 0 <f 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	nc -d 127.0.0.1 "$port" >got
	expect_exit 0 "$pid"
	[ "$(sha got)" = "$(sha f)" ]

	spawn nc -N -v -l 127.0.0.1 0 <f 2>nerr
	pid=$BG_PID
	port=$(announced_port nerr)
	ncc -d 127.0.0.1 "$port" >got2
	expect_exit 0 "$pid"
	[ "$(sha got2)" = "$(sha f)" ]
}

@test "interop udp: nc -u -> ncl -u and ncc -u -> nc -u -l" {
	spawn ncl -u -v 127.0.0.1 0 </dev/null >out 2>err
	port=$(announced_port err)
	run -0 nc -u -q 0 127.0.0.1 "$port" <<<"udp from nc"
	wait_for_match out '^udp from nc$'

	spawn nc -u -v -l 127.0.0.1 0 </dev/null >nout 2>nerr
	port=$(nc_udp_port nerr)
	run -0 ncc -u -q 0 127.0.0.1 "$port" <<<"udp from ncc"
	wait_for_match nout '^udp from ncc$'
}

@test "interop unix: nc -U -> ncl -U and ncc -U -> nc -lU" {
	spawn ncl -v -U a.sock <<<"ncl says" >out 2>err
	local pid=$BG_PID
	wait_for_match err '^listening on a\.sock$'
	run -0 --separate-stderr nc -N -U a.sock <<<"nc says"
	[ "$output" = "ncl says" ]
	expect_exit 0 "$pid"
	[ "$(cat out)" = "nc says" ]

	spawn nc -v -lU b.sock <<<"nc -l says" >nout 2>nerr
	pid=$BG_PID
	wait_for_match nerr '^Listening on b\.sock$'
	run -0 --separate-stderr ncc -N -U b.sock <<<"ncc says"
	[ "$output" = "nc -l says" ]
	expect_exit 0 "$pid"
	[ "$(cat nout)" = "ncc says" ]
}

@test "same as nc: the listener ends at the peer's FIN, its open stdin does not keep it alive" {
	for listener in "nc -l" "ncl"; do
		rm -f in err out
		open_stdin in
		# shellcheck disable=SC2086 # the listener command is split on purpose
		spawn $listener -v 127.0.0.1 0 <in >out 2>err
		local pid=$BG_PID
		port=$(announced_port err)
		nc -N 127.0.0.1 "$port" <<<"$listener"
		expect_exit 0 "$pid" || fail "$listener did not end at the peer's FIN"
		[ "$(cat out)" = "$listener" ]
	done
}

@test "same as nc: the client stays while its stdin is open, after the server's FIN" {
	for client in nc ncc; do
		rm -f err in got
		printf 'server data\n' >msg
		spawn ncl -N -v 127.0.0.1 0 <msg 2>err
		port=$(announced_port err)
		mkfifo in
		# shellcheck disable=SC2016 # expanded by the inner sh
		spawn sh -c 'exec $0 127.0.0.1 "$1" <in >got' "$client" "$port"
		local pid=$BG_PID
		exec 4>in
		wait_for_match got '^server data$'
		still_running "$pid" || fail "$client ended with its stdin open"
		exec 4>&-
		expect_exit 0 "$pid" || fail "$client did not end at stdin EOF"
	done
}

@test "same as nc: -q on the listener quits after stdin EOF and sends FIN to a -d client" {
	for listener in "nc -l" "ncl"; do
		rm -f err
		# shellcheck disable=SC2086 # the listener command is split on purpose
		spawn $listener -q 1 -v 127.0.0.1 0 <<<"quit soon" 2>err
		local pid=$BG_PID
		port=$(announced_port err)
		run -0 --separate-stderr nc -d 127.0.0.1 "$port"
		[ "$output" = "quit soon" ]
		expect_exit 0 "$pid"
	done
}

@test "same as nc: -w on the listener ends an idle connection with exit 0" {
	for listener in "nc -l" "ncl"; do
		rm -f err in cin
		open_stdin in
		open_stdin cin
		# shellcheck disable=SC2086 # the listener command is split on purpose
		spawn $listener -w 1 -v 127.0.0.1 0 <in 2>err
		local pid=$BG_PID
		port=$(announced_port err)
		# shellcheck disable=SC2016 # expanded by the inner sh
		spawn sh -c 'exec nc 127.0.0.1 "$0" <cin' "$port"
		expect_exit 0 "$pid" 5 || fail "$listener -w 1"
	done
}

@test "same as nc: -k serves sequential connections in order, nc and ncc as senders" {
	spawn ncl -k -v 127.0.0.1 0 </dev/null >out 2>err
	port=$(announced_port err)
	for i in 1 2 3; do
		nc -N 127.0.0.1 "$port" <<<"nc $i"
		ncc -N 127.0.0.1 "$port" <<<"ncc $i"
	done
	wait_for_match out '^ncc 3$'
	[ "$(cat out)" = "$(printf 'nc 1\nncc 1\nnc 2\nncc 2\nnc 3\nncc 3')" ]
}

@test "better than nc: a reset by the peer is exit 1 for ncl where nc -l exits 0" {
	spawn nc -v -l 127.0.0.1 0 </dev/null >/dev/null 2>nerr
	local pid=$BG_PID
	port=$(announced_port nerr)
	reset_sender "$port" partial
	expect_exit 0 "$pid"

	spawn ncl -v 127.0.0.1 0 </dev/null >/dev/null 2>err
	pid=$BG_PID
	port=$(announced_port err)
	reset_sender "$port" partial
	expect_exit 1 "$pid"
}

@test "better than nc: ncc -N exits 1 when nc -l left before taking the end of the data" {
	spawn nc -v -l 127.0.0.1 0 </dev/null >nout 2>nerr
	local nc=$BG_PID ncc
	port=$(announced_port nerr)
	mkfifo in
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	spawn sh -c 'exec ncc -N 127.0.0.1 "$0" <in 2>err' "$port"
	ncc=$BG_PID
	exec 4>in # after spawn: ncc must not hold a writer itself
	printf 'first\n' >&4
	wait_for_match nout '^first$'
	kill "$nc" # nc's kernel closes with a FIN; "second" then meets a reset
	wait "$nc" 2>/dev/null || true
	printf 'second\n' >&4
	exec 4>&-
	expect_exit 1 "$ncc"
	[ "$(cat err)" = "ncc: send to 127.0.0.1:$port: peer closed before taking all data" ]
	[ "$(cat nout)" = first ]
}
