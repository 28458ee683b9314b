#!/usr/bin/env bash
# bench/scripts_latency.sh: how soon a typed line reaches the other side, for each script pair
# in both formats. For each pair it starts the receiver on a free loopback port, feeds the
# sender N lines one at a time (each once the previous one has been shown), and times each
# line from its write to its appearance on the receiver's stdout. One line per measurement:
#   latency PAIR FORMAT first_ms=F median_ms=M n=N
# (first: the session's first line, which pays for the KDFs; median: the others).
# Environment: N (lines per pair, default 10), NCARGON2_TIME/NCARGON2_MEMORY as the scripts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/bin:$root/scripts:$PATH" HOST=127.0.0.1 NCRETRY=10
NCPASS=$(head -c 12 /dev/urandom | base64)
export NCPASS
n=${N:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/nckit-latency.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

now_us() { printf '%s' "${EPOCHREALTIME/./}"; }

# wait_line FILE N: until FILE shows N of the lines (60 s at most).
wait_line() {
	local i
	for ((i = 0; i < 60000; i++)); do
		[ "$(grep -c 'latency line' "$1")" -lt "$2" ] || return 0
		sleep 0.001
	done
	echo "bench: timed out waiting for line $2 in $1" >&2
	return 1
}

# measure PAIR FORMAT RECEIVER SENDER [SENDER_ARGS...]
measure() {
	local pair=$1 format=$2 recv=$3 send=$4 i t0 t ms=() port
	shift 4
	rm -f "$work"/*
	mkfifo "$work/rin" # the receiver's stdin, open until the end (chat.sh -l leaves at its end)
	exec 6<>"$work/rin"
	set -m
	# shellcheck disable=SC2086 # RECEIVER is a command and its options
	NCFORMAT=$format $recv 0 <"$work/rin" >"$work/out" 2>"$work/err" 6>&- &
	pids+=("$!")
	local rpid=$!
	set +m
	for ((i = 0; i < 500; i++)); do
		port=$(grep -Eo '[Ll]istening on .*:[0-9]+' "$work/err" "$work/out" 2>/dev/null | grep -Eo '[0-9]+$' | head -1) || true
		[ -z "$port" ] || break
		sleep 0.01
	done
	mkfifo "$work/in"
	exec 7<>"$work/in"
	NCFORMAT=$format "$send" "$@" 127.0.0.1 "$port" <"$work/in" >/dev/null 2>&1 7>&- 6>&- &
	local spid=$!
	for ((i = 1; i <= n; i++)); do
		t0=$(now_us)
		printf 'latency line %d\n' "$i" >&7
		wait_line "$work/out" "$i"
		t=$(now_us)
		ms+=("$(((t - t0) / 1000))")
	done
	exec 7>&- 6>&-
	wait "$spid" 2>/dev/null || true
	kill -TERM -- "-$rpid" 2>/dev/null || true
	wait "$rpid" 2>/dev/null || true
	local first=${ms[0]} median
	median=$(printf '%s\n' "${ms[@]:1}" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}')
	printf 'latency %s %s first_ms=%s median_ms=%s n=%d\n' "$pair" "$format" "$first" "$median" "$n"
}

for format in ${FORMATS-native openssl}; do
	measure v1 "$format" secure_receiver.sh secure_sender.sh
	measure v2 "$format" secure_receiver_v2.sh secure_sender_v2.sh
done
measure chat native 'chat.sh -l' chat.sh
