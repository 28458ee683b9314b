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
	port=$(nc_udp_port err)
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
	wait_for_match err '^Listening on a\.sock$'
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

# regress_port FILE: the port as OpenBSD's regress/usr.bin/nc Makefile reads it from nc -v.
regress_port() {
	wait_for_match "$1" '^(Listening|Bound) on ' || return 1
	sed -E -n 's/(Listening|Bound) on .* //p' "$1"
}

# canon FILE: FILE's lines with port numbers and nc's temporary socket names made generic,
# to compare nc's -v lines with ncl's and ncc's.
canon() {
	sed -E 's/ [0-9]+( port|$)/ PORT\1/; s#/tmp/[^ ]+/recv\.sock#TMP/recv.sock#' "$1"
}

@test "same as nc: -v lines byte for byte, scraped as the regress Makefile does (tcp, udp, unix)" {
	for flags in -v -vn; do
		for prog in "nc -l" ncl; do
			tag=${prog% *}$flags
			# shellcheck disable=SC2086 # the command is split on purpose
			spawn $prog $flags 127.0.0.1 0 </dev/null >/dev/null 2>"$tag.lerr"
			port=$(regress_port "$tag.lerr")
			[[ $port =~ ^[0-9]+$ ]] || fail "$prog $flags: no port scraped"
			client=ncc
			[ "$prog" = ncl ] || client=nc
			# shellcheck disable=SC2086
			$client $flags -N 127.0.0.1 "$port" </dev/null 2>"$tag.cerr"
			expect_exit 0 "$BG_PID"
		done
		diff <(canon "nc$flags.lerr") <(canon "ncl$flags.lerr")
		diff <(canon "nc$flags.cerr") <(canon "ncl$flags.cerr")
	done
	[ "$(canon nc-v.lerr)" = "$(printf 'Listening on localhost PORT\nConnection received on localhost PORT')" ]

	for prog in "nc -l" ncl; do
		tag=${prog% *}
		# shellcheck disable=SC2086
		spawn $prog -u -v 127.0.0.1 0 </dev/null >"$tag.uout" 2>"$tag.uerr"
		port=$(regress_port "$tag.uerr")
		[[ $port =~ ^[0-9]+$ ]] || fail "$prog -u: no port scraped"
		ncc -u -v 127.0.0.1 "$port" <<<"datagram" 2>"$tag.ucerr" &
		local client=$!
		wait_for_match "$tag.uout" '^datagram$'
		wait_for_match "$tag.uerr" '^Connection received'
		kill "$client" "$BG_PID"
		wait "$client" || true
	done
	# nckit's own lines ("ncl: interrupted" when killed) are told apart by their prefix
	diff <(canon nc.uerr) <(grep -v '^ncl: ' ncl.uerr | canon /dev/stdin)
	[ "$(grep -v '^ncc: ' ncl.ucerr | canon /dev/stdin)" = "Connection to 127.0.0.1 PORT port [udp/*] succeeded!" ]

	for prog in "nc -l" ncl; do
		tag=${prog% *}
		# shellcheck disable=SC2086
		spawn $prog -U -v "$tag.sock" </dev/null >/dev/null 2>"$tag.xerr"
		wait_for_match "$tag.xerr" "^Listening on $tag\\.sock\$"
		nc -N -U "$tag.sock" </dev/null
		expect_exit 0 "$BG_PID"
	done
	diff <(sed 's/^\(.* on \)nc\./\1X./' nc.xerr) <(sed 's/^\(.* on \)ncl\./\1X./' ncl.xerr)
}

@test "same as nc: ncc -u -v sends no probe bytes (nc sends X's that reach the peer)" {
	spawn nc -u -l -v 127.0.0.1 0 </dev/null >out 2>err
	port=$(regress_port err)
	ncc -u -v 127.0.0.1 "$port" <<<"payload" 2>/dev/null &
	local client=$!
	wait_for_match out 'payload'
	kill "$client"
	wait "$client" || true
	[ "$(cat out)" = payload ]
}

@test "same as nc: unix datagram listener (regress unix-dgram), both pairings" {
	for server in "nc -l" ncl; do
		for client in nc ncc; do
			rm -f d.sock out err
			# shellcheck disable=SC2086
			spawn $server -U -u -v d.sock </dev/null >out 2>err
			wait_for_match err '^Bound on d\.sock$'
			$client -U -u -w 1 d.sock <<<"unix datagram" 2>/dev/null || true
			wait_for_match out '^unix datagram$' || fail "$client -> $server -U -u"
			wait_for_match err '^Connection received on d\.sock$'
			kill "$BG_PID"
			wait "$BG_PID" 2>/dev/null || true
		done
	done
}

@test "same as nc: -k -u keeps taking datagrams from several senders (regress udp-keep, unix-dgram-keep)" {
	for server in "nc -l" ncl; do
		rm -f out err k.sock kout kerr
		# shellcheck disable=SC2086
		spawn $server -k -u -n -v 127.0.0.1 0 </dev/null >out 2>err
		local udp=$BG_PID
		port=$(regress_port err)
		nc -u -w 1 127.0.0.1 "$port" <<<"greeting" || true
		ncc -u -q 0 127.0.0.1 "$port" <<<"command"
		wait_for_match out '^greeting$'
		wait_for_match out '^command$' || fail "$server -k -u: second sender lost"
		still_running "$udp"

		# shellcheck disable=SC2086
		spawn $server -k -U -u -v k.sock </dev/null >kout 2>kerr
		wait_for_match kerr '^Bound on k\.sock$'
		nc -U -u -w 1 k.sock <<<"first" 2>/dev/null || true
		ncc -U -u -q 0 k.sock <<<"second"
		wait_for_match kout '^first$'
		wait_for_match kout '^second$' || fail "$server -k -U -u: second sender lost"
		kill "$udp" "$BG_PID"
		wait "$udp" "$BG_PID" 2>/dev/null || true
	done
}

@test "ncl -U removes its socket when done: a second client fails with exit 1 as with nc" {
	spawn nc -l -U n.sock </dev/null >/dev/null 2>&1
	for _ in $(seq 250); do [ -S n.sock ] && break; sleep 0.02; done
	nc -N -U n.sock </dev/null
	expect_exit 0 "$BG_PID"
	run -1 nc -N -U n.sock </dev/null
	[ -S n.sock ] # nc leaves its socket file: "Connection refused"

	spawn ncl -v -U l.sock </dev/null 2>err
	wait_for_match err '^Listening on l\.sock$'
	ncc -N -U l.sock </dev/null
	expect_exit 0 "$BG_PID"
	run -1 --separate-stderr ncc -N -U l.sock </dev/null
	[ "$stderr" = "ncc: connect to l.sock: no such file or directory" ]
	[ ! -e l.sock ]
}
