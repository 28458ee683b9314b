# shellcheck shell=bash
# Shared by tests/bats/scripts_*.bats (the shell tools), loaded after test_helper/common.
# Every script is driven through stdin, stdout and the environment, on loopback only.

scripts_setup() {
	common_setup
	# The scripts' configuration: loopback, no retrying by default (a test that needs it says
	# so), a password of the test's own that lives only in the environment.
	export HOST=127.0.0.1 NCRETRY=0
	export NCPASS="pw-$BATS_TEST_NUMBER-$$"
	unset NCFORMAT NCARGON2_TIME NCARGON2_MEMORY
	T=$BATS_TEST_TMPDIR
	# the scripts' own temporary files too, so that a test killing one leaves nothing behind
	export TMPDIR=$T
	# shellcheck disable=SC2034 # used by the .bats files
	FIXTURES="$NCKIT_ROOT/tests/fixtures/tutorial"
}

# free_port: set FREE_PORT to a port nothing listens on, picked by the kernel (port 0) and
# released at once; for the tutorial's receiver, which needs its port before it runs.
free_port() {
	local f="$T/free_port.err" pid
	# shellcheck disable=SC2217 # bg passes its redirections on to the background job
	bg ncl -v 127.0.0.1 0 </dev/null >/dev/null 2>"$f"
	pid=$BG_PID
	FREE_PORT=$(announced_port "$f")
	kill -TERM -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	[ -n "$FREE_PORT" ]
}

# start_receiver SCRIPT: start a receiver script on a free port (PORT=0), stdout in $T/out,
# stderr in $T/err, and set RPORT to the port it announces ("Listening on ADDR:PORT", on
# stdout for the v2 receiver, on stderr for the others).
start_receiver() {
	local script=$1 where=$T/err
	bg env PORT=0 "$script" >"$T/out" 2>"$T/err"
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
