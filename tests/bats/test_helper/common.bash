# Shared helper for every bats file: load it from setup with
#   load test_helper/common
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
			# kill the whole process group first (bg jobs run in their own group), then the pid
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

# bg CMD...: start CMD in the background in its own process group, with fd 3 closed so
# bats does not wait for it; remember it so common_teardown stops it. Sets BG_PID.
bg() {
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
