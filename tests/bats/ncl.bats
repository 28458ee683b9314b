#!/usr/bin/env bats
# ncl, the listener: end-of-stream rules, -k, --each and the cases where nc loses data
# silently. The command-line contract (messages, exit 2) is tested in Go (usage_test.go).
# Ports are always picked by the kernel (port 0, read back from -v); no sleeps as
# synchronisation.

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

@test "ncl: text both ways; the listener ends at the peer's FIN although its stdin is open" {
	open_stdin in
	spawn ncl -v 127.0.0.1 0 <in >out 2>err
	local pid=$BG_PID port
	port=$(announced_port err)
	run -0 --separate-stderr ncc -N 127.0.0.1 "$port" <<<"hello ncl"
	expect_exit 0 "$pid"
	[ "$(cat out)" = "hello ncl" ]
	grep -Eq '^Listening on localhost [0-9]+$' err
	grep -Eq '^Connection received on localhost [0-9]+$' err
}

@test "ncl: the listener's stdin reaches the peer, which ends once ncl closed" {
	printf 'from the listener\n' >msg
	spawn ncl -v 127.0.0.1 0 <msg 2>err
	port=$(announced_port err)
	run -0 --separate-stderr ncc -N 127.0.0.1 "$port" </dev/null
	[ "$output" = "from the listener" ]
}

@test "ncl: nc spellings -l, -p, -lvnp, addr operand and a flag after the port" {
	for args in "-l 127.0.0.1 0" "-l -p 0" "-lvnp 0" "127.0.0.1 0 -l" "-lk 0"; do
		rm -f err out
		# shellcheck disable=SC2086 # split the spelling on purpose
		spawn ncl -v $args </dev/null >out 2>err
		port=$(announced_port err)
		ncc -N 127.0.0.1 "$port" <<<"$args"
		case $args in
		*k*) wait_for_match out "^$args\$" ;;
		*) expect_exit 0 "$BG_PID" && [ "$(cat out)" = "$args" ] ;;
		esac
	done
}

@test "ncl: 4097 bytes piped in arrive as 4097 bytes, both directions" {
	random_file f 4097
	spawn ncl -v 127.0.0.1 0 >out 2>err </dev/null
	port=$(announced_port err)
	cat f | ncc -N 127.0.0.1 "$port"
	expect_exit 0 "$BG_PID"
	[ "$(sha out)" = "$(sha f)" ]

	rm -f err
	cat f | spawn ncl -N -v 127.0.0.1 0 2>err
	port=$(announced_port err)
	ncc -d 127.0.0.1 "$port" >back
	[ "$(sha back)" = "$(sha f)" ]
}

@test "ncl: 64 MiB of random bytes both ways at once, equal sha256" {
	random_file up 64M
	random_file down 64M
	spawn ncl -N -v 127.0.0.1 0 <down >got_up 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	ncc -N 127.0.0.1 "$port" <up >got_down
	expect_exit 0 "$pid" 60
	[ "$(sha got_up)" = "$(sha up)" ]
	[ "$(sha got_down)" = "$(sha down)" ]
}

@test "ncl -N: serves a file to ncc -d, both exit 0 (nc -l -N / nc -d)" {
	random_file f 1M
	spawn ncl -N -v 127.0.0.1 0 <f 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	ncc -d 127.0.0.1 "$port" >got
	expect_exit 0 "$pid"
	[ "$(sha got)" = "$(sha f)" ]
}

@test "ncl -N: a client that half-closes at once still gets the whole file (nc truncates)" {
	random_file big 16M
	spawn ncl -N -v 127.0.0.1 0 <big 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	ncc -N 127.0.0.1 "$port" </dev/null >got
	expect_exit 0 "$pid"
	[ "$(sha got)" = "$(sha big)" ]
}

@test "ncl: a regular file on stdin is delivered whole after an early FIN, even without -N" {
	random_file big 8M
	spawn ncl -v 127.0.0.1 0 <big 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	ncc -N 127.0.0.1 "$port" </dev/null >got
	expect_exit 0 "$pid"
	[ "$(sha got)" = "$(sha big)" ]
}

@test "ncl -N: a pipe on stdin is still delivered after the peer's early FIN, then ncl ends" {
	mkfifo in
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	spawn sh -c 'exec ncl -N -v 127.0.0.1 0 <"$0" 2>err' in
	local pid=$BG_PID
	exec 4>in
	port=$(announced_port err)
	spawn ncc -N 127.0.0.1 "$port" </dev/null >got 4>&-
	local client=$BG_PID
	wait_for_match err 'Connection received'
	echo "written after the peer's FIN" >&4
	exec 4>&-
	expect_exit 0 "$client"
	expect_exit 0 "$pid"
	[ "$(cat got)" = "written after the peer's FIN" ]
}

@test "ncl -N: with a terminal on stdin it still ends when its peer leaves" {
	open_stdin in
	spawn script -qfec "ncl -N -v 127.0.0.1 0 2>err" /dev/null <in >out
	local pid=$BG_PID
	port=$(announced_port err)
	run -0 ncc -N 127.0.0.1 "$port" <<<"bye"
	expect_exit 0 "$pid"
	grep -q bye out
}

@test "ncl: stdout closed by its reader (| head -c 10): ncl resets and exits 1, the sender fails too" {
	random_file big 8M
	spawn sh -c 'ncl -v 127.0.0.1 0 </dev/null 2>err | head -c 10 >head.out; echo "$?" >head.rc'
	port=$(announced_port err)
	run -1 --separate-stderr ncc -N 127.0.0.1 "$port" <big
	[[ $stderr =~ ^ncc:\ (send\ to|receive\ from)\ 127\.0\.0\.1:$port:\ (connection\ reset\ by\ peer|broken\ pipe)$ ]]
	wait_for_match err '^ncl: '
	grep -Eq "^ncl: write stdout: broken pipe: connection to 127\.0\.0\.1:[0-9]+ reset so the sender knows$" err
	[ "$(grep -c '^ncl:' err)" = 1 ]
	[ "$(wc -c <head.out)" = 10 ]
}

@test "ncl: a peer that resets the connection makes ncl exit 1 with one line (nc exits 0)" {
	spawn ncl -v 127.0.0.1 0 </dev/null >out 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	reset_sender "$port" partial
	expect_exit 1 "$pid"
	grep -Eq "^ncl: receive from 127\.0\.0\.1:[0-9]+: connection reset by peer$" err
}

@test "ncl -d: stdin is not read" {
	spawn ncl -d -v 127.0.0.1 0 <<<"not sent" 2>err
	port=$(announced_port err)
	run -0 --separate-stderr ncc -N 127.0.0.1 "$port" </dev/null
	[ "$output" = "" ]
}

@test "ncl -q: quits after EOF on stdin and sends its FIN, so ncc -d ends too" {
	printf 'bye\n' >msg
	spawn ncl -q 0.2 -v 127.0.0.1 0 <msg 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	run -0 --separate-stderr ncc -d 127.0.0.1 "$port"
	[ "$output" = bye ]
	expect_exit 0 "$pid"
}

@test "ncl -w: ends a connection idle for the given time, exit 0" {
	open_stdin in
	open_stdin in2
	spawn ncl -w 0.3 -v 127.0.0.1 0 <in 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	spawn ncc 127.0.0.1 "$port" <in2
	expect_exit 0 "$pid"
}

@test "ncl -k: 500 back-to-back connections, nothing lost, nothing interleaved" {
	spawn ncl -k -v 127.0.0.1 0 </dev/null >out 2>err
	port=$(announced_port err)
	for i in $(seq 1 500); do
		printf 'message %03d\n' "$i" | ncc -N 127.0.0.1 "$port" || fail "connection $i failed"
	done
	# the last message is out once one more connection has been served
	printf 'end\n' | ncc -N 127.0.0.1 "$port"
	wait_for_match out '^end$'
	for i in $(seq 1 500); do printf 'message %03d\n' "$i"; done >want
	echo end >>want
	diff want out
}

@test "ncl -k: concurrent senders wait in the backlog, never refused; each block stays whole" {
	spawn ncl -k -v 127.0.0.1 0 </dev/null >out 2>err
	port=$(announced_port err)
	local pids=()
	for c in a b c d e f g h i j k l m n o p q r s t; do
		head -c 100000 /dev/zero | tr '\0' "$c" >"blk.$c"
		spawn ncc -N 127.0.0.1 "$port" <"blk.$c"
		pids+=("$BG_PID")
	done
	for pid in "${pids[@]}"; do expect_exit 0 "$pid" 30; done
	[ "$(wc -c <out)" = 2000000 ]
	# 20 runs of one letter each: no block was cut by another
	[ "$(fold -w 1 out | uniq | wc -l)" = 20 ]
}

@test "ncl -k: a connection that is reset is reported and the next one is served" {
	spawn ncl -k -v 127.0.0.1 0 </dev/null >out 2>err
	port=$(announced_port err)
	reset_sender "$port" ""
	wait_for_match err '^ncl: receive from 127\.0\.0\.1:[0-9]+: connection reset by peer$'
	run -0 ncc -N 127.0.0.1 "$port" <<<"next"
	wait_for_match out '^next$'
}

@test "ncl -k: a connection arriving while another is served is served after it" {
	mkfifo a.in
	spawn ncl -k -v 127.0.0.1 0 </dev/null >out 2>err
	port=$(announced_port err)
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	spawn sh -c 'exec ncc -N 127.0.0.1 "$0" <a.in' "$port"
	local a=$BG_PID
	exec 4>a.in
	wait_for_match err 'Connection received'
	spawn ncc -N 127.0.0.1 "$port" <<<"second" 4>&-
	local b=$BG_PID
	echo first >&4
	exec 4>&-
	expect_exit 0 "$a"
	expect_exit 0 "$b"
	[ "$(cat out)" = "$(printf 'first\nsecond')" ]
}

@test "ncl --each: one command per connection, NCL_PEER set, ncc -N returns once it ran" {
	# shellcheck disable=SC2016 # expanded by ncl's /bin/sh
	spawn ncl -k --each 'printf "%s from %s\n" "$(cat)" "${NCL_PEER%:*}"' -v 127.0.0.1 0 >out 2>err
	port=$(announced_port err)
	for m in one two three; do
		run -0 ncc -N 127.0.0.1 "$port" <<<"$m"
		# no waiting: the command has run when ncc -N returns
		grep -qx "$m from 127.0.0.1" out
	done
	[ "$(wc -l <out)" = 3 ]
}

@test "ncl --each: a failing command is reported, its sender fails, the next one is served" {
	spawn ncl -k --each 'read -r line; [ "$line" != bad ] && echo "ok $line"' -v 127.0.0.1 0 >out 2>err
	port=$(announced_port err)
	run -1 --separate-stderr ncc -N 127.0.0.1 "$port" <<<"bad"
	[[ $stderr =~ ^ncc:\ receive\ from\ 127\.0\.0\.1:$port:\ connection\ reset\ by\ peer$ ]]
	wait_for_match err '^ncl: --each: 127\.0\.0\.1:[0-9]+: command failed \(exit status 1\); connection reset$'
	run -0 ncc -N 127.0.0.1 "$port" <<<"good"
	grep -qx "ok good" out
}

@test "ncl: fd 0 closed at start is never the listening socket" {
	spawn ncl -v 127.0.0.1 0 <&- >out 2>err
	local pid=$BG_PID
	port=$(announced_port err)
	run -0 ncc -N 127.0.0.1 "$port" <<<"hi"
	expect_exit 0 "$pid"
	[ "$(cat out)" = hi ]
}

@test "ncl: a second listener on a taken port fails (no SO_REUSEPORT)" {
	spawn ncl -v 127.0.0.1 0 </dev/null 2>err
	port=$(announced_port err)
	run -1 --separate-stderr ncl 127.0.0.1 "$port" </dev/null
	[ "$stderr" = "ncl: listen on 127.0.0.1:$port: address already in use" ]
	run -1 --separate-stderr ncl "$port" </dev/null
	[ "$stderr" = "ncl: listen on :$port: address already in use" ]
}

@test "ncl: permission denied on a privileged port" {
	if [ "$(id -u)" = 0 ]; then
		run -1 --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups "$NCKIT_ROOT/bin/ncl" 127.0.0.1 1 </dev/null
	else
		run -1 --separate-stderr ncl 127.0.0.1 1 </dev/null
	fi
	[ "$stderr" = "ncl: listen on 127.0.0.1:1: permission denied" ]
}

@test "ncl -U: unix socket, refuses a live socket or another file, removes its own on exit and on TERM" {
	spawn ncl -v -U s.sock </dev/null >out 2>err
	local pid=$BG_PID
	wait_for_match err '^Listening on s\.sock$'
	run -1 --separate-stderr ncl -U s.sock </dev/null
	[ "$stderr" = "ncl: listen on s.sock: address already in use" ]
	run -0 ncc -N -U s.sock <<<"over unix"
	expect_exit 0 "$pid"
	[ "$(cat out)" = "over unix" ]
	[ ! -e s.sock ]

	rm -f err
	spawn ncl -v -U s.sock </dev/null 2>err
	wait_for_match err '^Listening on s\.sock$'
	kill -TERM "$BG_PID"
	expect_exit 143 "$BG_PID"
	[ ! -e s.sock ]

	touch plain
	run -1 --separate-stderr ncl -U plain </dev/null
	[ "$stderr" = "ncl: listen on plain: file exists and is not a socket" ]
}

@test "ncl -u: UDP datagrams from the first peer, replies go back to it" {
	spawn ncl -u -v 127.0.0.1 0 <<<"reply" >out 2>err
	port=$(bound_port err)
	run -0 --separate-stderr ncc -u -w 0.5 127.0.0.1 "$port" <<<"datagram"
	[ "$output" = reply ]
	[ "$(cat out)" = datagram ]
	grep -Eq '^Connection received on localhost [0-9]+$' err
}
