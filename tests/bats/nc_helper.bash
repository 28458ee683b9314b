# Helpers for the ncl/ncc bats files (nc*.bats), on top of test_helper/common.
# shellcheck shell=bash

# open_stdin FIFO: make FIFO a stdin that stays open, never reaching EOF, until teardown
# or until its holder (BG_PID after the call) is killed. The holder opens the FIFO in its
# own process, so nothing blocks here.
open_stdin() {
	mkfifo "$1"
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	bg sh -c 'exec sleep 600 >"$0"' "$1"
}

# wait_exit PID [SECS]: wait up to SECS (default 10) for background job PID to end and
# return its exit status; 124 if it is still running.
wait_exit() {
	local pid=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 50; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return
		fi
		sleep 0.02
	done
	echo "process $pid still running after ${secs}s" >&2
	return 124
}

# still_running PID: the job has not ended (yet).
still_running() {
	kill -0 "$1" 2>/dev/null
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on (ncl picks it, then stops
# without a connection, so no TIME_WAIT is left on it).
free_port() {
	local err="$BATS_TEST_TMPDIR/free_port.$RANDOM" port
	bg ncl -v -d 127.0.0.1 0 2>"$err"
	port=$(announced_port "$err") || return 1
	kill "$BG_PID"
	wait "$BG_PID" 2>/dev/null || true
	echo "$port"
}

# reset_sender PORT DATA: connect to 127.0.0.1:PORT, send DATA, then reset the connection
# (SO_LINGER 0 and close), as a crashing peer would.
reset_sender() {
	# shellcheck disable=SC2016 # perl code
	perl -MSocket -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]") or die "connect: $!";
		print $s $ARGV[1];
		setsockopt($s, SOL_SOCKET, SO_LINGER, pack("ii", 1, 0)) or die "linger: $!";
		close $s;' "$1" "$2"
}

# reset_server ERRFILE: listen on 127.0.0.1:0, print "listening on 127.0.0.1:PORT" to
# ERRFILE, accept one connection and reset it once the peer's data has arrived, without
# reading it.
reset_server() {
	# shellcheck disable=SC2016 # perl code
	perl -MSocket -MIO::Socket::INET -e '
		my $l = IO::Socket::INET->new(LocalAddr => "127.0.0.1:0", Listen => 1, ReuseAddr => 1) or die "listen: $!";
		open(my $e, ">", $ARGV[0]) or die; print $e "listening on 127.0.0.1:", $l->sockport, "\n"; close $e;
		my $c = $l->accept or die "accept: $!";
		my $rin = ""; vec($rin, fileno($c), 1) = 1; select($rin, undef, undef, 10);
		setsockopt($c, SOL_SOCKET, SO_LINGER, pack("ii", 1, 0)) or die "linger: $!";
		close $c;' "$1"
}

# expect_exit CODE PID [SECS]: background job PID ends within SECS with status CODE.
# (Not inside `run`: that is a subshell, which cannot wait for the test's jobs.)
expect_exit() {
	local want=$1 rc=0
	wait_exit "$2" "${3:-10}" || rc=$?
	[ "$rc" = "$want" ] || {
		echo "exit status $rc, want $want" >&2
		return 1
	}
}
