# Shared helper for every bats file: load it from setup with
#   load common
#   common_setup
# and call common_teardown from teardown.
# shellcheck shell=bash

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

NCKIT_ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
export NCKIT_ROOT

common_setup() {
	PATH="$NCKIT_ROOT/bin:$NCKIT_ROOT/scripts:$PATH"
	export PATH
	# Tests never read a password from the caller's environment.
	unset NCPASS NO_COLOR
	BG_PIDS="$BATS_TEST_TMPDIR/.bg_pids"
	: >"$BG_PIDS"
	if [ -n "${CI:-}" ]; then
		require_peers
	fi
}

common_teardown() {
	local pid
	if [ -f "${BG_PIDS:-}" ]; then
		while read -r pid; do
			[ -n "$pid" ] || continue
			# kill the whole process group first (spawn jobs run in their own group), then the pid
			kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
		done <"$BG_PIDS"
		while read -r pid; do
			[ -n "$pid" ] || continue
			wait "$pid" 2>/dev/null || true
		done <"$BG_PIDS"
	fi
}

# require_peers fails (never skips) when a real peer the interop tests need is missing.
require_peers() {
	command -v openssl >/dev/null || fail "openssl is not installed (run make deps)"
	nc -h 2>&1 | grep -q 'OpenBSD netcat' || fail "OpenBSD nc is not installed (run make deps)"
}

# spawn CMD...: start CMD in the background in its own process group, with fd 3 closed so
# bats does not wait for it; remember it so common_teardown stops it. Sets BG_PID.
spawn() {
	set -m
	"$@" 3>&- &
	BG_PID=$!
	set +m
	echo "$BG_PID" >>"$BG_PIDS"
}

# wait_for_match FILE REGEX [SECONDS]: retry until FILE has a line matching REGEX (default 10 s).
wait_for_match() {
	local file=$1 re=$2 secs=${3:-10} i
	for ((i = 0; i < secs * 50; i++)); do
		if [ -f "$file" ] && grep -Eq -- "$re" "$file"; then
			return 0
		fi
		sleep 0.02
	done
	echo "timed out waiting for /$re/ in $file:" >&2
	cat "$file" >&2 2>/dev/null || true
	return 1
}

# announced_port FILE: the port from a "listening on ADDR:PORT" (ncl -v) or
# "Listening on HOST PORT" (OpenBSD nc -v) line in FILE; waits for it to appear.
announced_port() {
	local file=$1
	wait_for_match "$file" '[Ll]istening on ' || return 1
	grep -m1 -E '[Ll]istening on ' "$file" | sed -E 's/.*[: ]([0-9]+)[^0-9]*$/\1/'
}

# random_file PATH SIZE: SIZE bytes from /dev/urandom (SIZE in head -c syntax, e.g. 64M).
random_file() {
	head -c "$2" /dev/urandom >"$1"
}

# sha FILE: the sha256 of FILE, hex only.
sha() {
	sha256sum "$1" | cut -d' ' -f1
}

# --- processes and peers (ncl/ncc tests and others) ---

# open_stdin FIFO: make FIFO a stdin that stays open, never reaching EOF, until teardown
# or until its holder (BG_PID after the call) is killed. The holder opens the FIFO in its
# own process, so nothing blocks here.
open_stdin() {
	mkfifo "$1"
	# shellcheck disable=SC2016 # $0 is expanded by the inner sh
	spawn sh -c 'exec sleep 600 >"$0"' "$1"
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
	spawn ncl -v -d 127.0.0.1 0 2>"$err"
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

# --- the shell tools (scripts_*.bats): every script driven through stdin, stdout and the
# environment, on loopback only ---

scripts_setup() {
	common_setup
	# The scripts' configuration: loopback, no retrying by default (a test that needs it says
	# so), a password of the test's own that lives only in the environment.
	export HOST=127.0.0.1 NCRETRY=0
	export NCPASS="pw-$BATS_TEST_NUMBER-$$"
	unset NCFORMAT
	# The cheapest Argon2id cost receivers accept (the floor): the code path is the same.
	export NCARGON2_TIME=2 NCARGON2_MEMORY=19
	T=$BATS_TEST_TMPDIR
	# the scripts' own temporary files too, so that a test killing one leaves nothing behind
	export TMPDIR=$T
	# shellcheck disable=SC2034 # used by the .bats files
	FIXTURES="$NCKIT_ROOT/tests/fixtures/tutorial"
}

# start_receiver SCRIPT: start a receiver script on a free port (PORT=0), stdout in $T/out,
# stderr in $T/err, and set RPORT to the port it announces ("Listening on ADDR:PORT", on
# stdout for the v2 receiver, on stderr for the others).
start_receiver() {
	local script=$1 where=$T/err
	spawn env PORT=0 "$script" >"$T/out" 2>"$T/err"
	if [ "$script" = secure_receiver_v2.sh ]; then
		where=$T/out
	fi
	RPORT=$(announced_port "$where")
	[ -n "$RPORT" ]
}

# lines N PREFIX: N numbered lines "PREFIX 1" .. "PREFIX N".
lines() {
	local i
	for ((i = 1; i <= $1; i++)); do
		printf '%s %d\n' "$2" "$i"
	done
}

# no_escapes FILE: fails if FILE holds an ANSI escape (ESC byte).
no_escapes() {
	if grep -q $'\033' "$1"; then
		echo "colour escapes in $1:" >&2
		cat -v "$1" >&2
		return 1
	fi
}

# ENC_ARGS: ncenc/ncdec options matching what the scripts pin under scripts_setup.
# shellcheck disable=SC2034 # used by the .bats files
ENC_ARGS=(-argon2-time 2 -argon2-memory 19 -argon2-threads 1)

# status_of FILE [SECS]: wait for FILE to hold an exit status, print it.
status_of() {
	wait_for_match "$1" '^[0-9]+$' "${2:-30}"
	cat "$1"
}

# kill_tree PID: SIGKILL PID and every descendant (sessions of their own included), the
# deepest first, as a crash or kill -9 of everything would: no child outlives its parent
# long enough to see its input end and finish cleanly.
kill_tree() {
	local pids=$1 new=$1 p
	while [ -n "$new" ]; do
		new=$(for p in $new; do pgrep -P "$p"; done | tr '\n' ' ')
		pids="$new $pids"
	done
	# shellcheck disable=SC2086 # a list of pids
	kill -KILL $pids 2>/dev/null || true
}

# partial_sender NAME: a hand-made send_file.sh session to a receive_file.sh on RPORT that
# announces NAME, 1 MiB, sends 64 KiB and then stays, neither finishing nor leaving, whatever
# the machine's speed (a real send_file.sh might finish before the test kills something).
# Returns once the receiver's partial file in $T/dst has data. Sets P_PIDS and P_FDS.
partial_sender() {
	local ln cn line in out plain sum i
	rm -f "$T/raw.up" "$T/raw.down" "$T/plain"
	mkfifo "$T/raw.up" "$T/raw.down" "$T/plain"
	ncc -N 127.0.0.1 "$RPORT" <"$T/raw.up" >"$T/raw.down" 2>/dev/null 3>&- &
	P_PIDS=$!
	exec {in}>"$T/raw.up" {out}<"$T/raw.down"
	IFS= read -r -t 10 -u "$out" line
	ln=${line#nckit-chat1 }
	cn=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	printf 'nckit-chat1 %s\n' "$cn" >&"$in"
	ncenc "${ENC_ARGS[@]}" -label "nckit-chat1 file c2l $ln $cn" <"$T/plain" >&"$in" 3>&- &
	P_PIDS="$! $P_PIDS"
	# shellcheck disable=SC2086 # a list of pids
	printf '%s\n' $P_PIDS >>"$BG_PIDS" # reaped by common_teardown if the test fails
	exec {plain}>"$T/plain"
	P_FDS="$plain $in $out"
	sum=$(head -c 1M /dev/zero | sha256sum | cut -c1-64)
	printf 'nckit-hello %032d\nnckit-file1 f 1048576 %s %s\n' 0 "$sum" "$1" >&"$plain"
	IFS= read -r -t 10 -u "$out" line
	[ "$line" = nckit-file-go ]
	head -c 64K /dev/zero >&"$plain"
	for ((i = 0; i < 500; i++)); do
		[ -z "$(find "$T/dst" -name "$1.nckit-part.*" -size +0)" ] || return 0
		sleep 0.02
	done
	echo "no partial $1 in $T/dst" >&2
	return 1
}

# partial_sender_dies: kill -9 of the partial sender: its stream has no authenticated end.
partial_sender_dies() {
	local fd
	# shellcheck disable=SC2086 # a list of pids
	kill -KILL $P_PIDS
	for fd in $P_FDS; do exec {fd}>&-; done
	# shellcheck disable=SC2086
	wait $P_PIDS 2>/dev/null || true
}
