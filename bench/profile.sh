#!/usr/bin/env bash
# Profiles one transfer over loopback, process by process. With a directory of nckit binaries
# (default bin), the native pipeline:
#   ncenc -pass P <FILE | ncc -N 127.0.0.1 PORT      ncl -v 127.0.0.1 0 | ncdec -pass P >/dev/null
# with "nc", plain OpenBSD nc (nc -N ... <FILE, nc -lvn 127.0.0.1 0 >/dev/null); with
# "openssl", openssl enc -aes-256-cbc -pbkdf2 | nc -N ..., nc -lvn ... | openssl enc -d ...
# Each process runs under its own profiler, and the results land in OUTDIR:
#   stat    perf stat: task-clock, context switches, migrations, page faults (NAME.stat)
#   record  perf record -e cpu-clock -g (NAME.data; `perf report -i OUTDIR/NAME.data`)
#   strace  strace -c -f: system call counts and time (NAME.strace)
#   time    GNU time: wall, user, system, peak RSS (NAME.time)
#
# Usage: bench/profile.sh MODE FILE OUTDIR [BINDIR|nc|openssl] [-- extra ncenc flags]
# Example: head -c 256M /dev/urandom >/tmp/in && bench/profile.sh stat /tmp/in /tmp/prof bin
set -euo pipefail

mode=${1:?usage: profile.sh MODE FILE OUTDIR [BINDIR] [-- ncenc flags]}
file=${2:?input file}
out=${3:?output directory}
bin=${4:-bin}
shift $(($# < 4 ? $# : 4))
[ "${1:-}" = "--" ] && shift
encflags=("$@")
pass=pass:nckit-bench-password
mkdir -p "$out"

wrap() {
	local name=$1
	shift
	case $mode in
	stat) perf stat -x, -o "$out/$name.stat" -e task-clock,context-switches,cpu-migrations,page-faults -- "$@" ;;
	record) perf record -q -e cpu-clock -F 2000 -g -o "$out/$name.data" -- "$@" ;;
	strace) strace -c -f -o "$out/$name.strace" -- "$@" ;;
	time) /usr/bin/time -f '%e %U %S %M' -o "$out/$name.time" -- "$@" ;;
	*)
		echo "profile.sh: unknown mode $mode" >&2
		exit 2
		;;
	esac
}

osslenc=(openssl enc -aes-256-cbc -salt -pbkdf2 -pass "$pass")
case $bin in
nc) recv=(nc -lvn 127.0.0.1 0) ;;
*) recv=("$bin/ncl" -v 127.0.0.1 0) ;;
esac

fifo=$out/announce
rm -f "$fifo"
mkfifo "$fifo"
case $bin in
nc) wrap nc-recv "${recv[@]}" 2>"$fifo" >/dev/null & ;;
openssl) (wrap nc-recv nc -lvn 127.0.0.1 0 2>"$fifo" | wrap openssl-dec "${osslenc[@]}" -d >/dev/null) & ;;
*) (wrap ncl "${recv[@]}" 2>"$fifo" | wrap ncdec "$bin/ncdec" -pass "$pass" >/dev/null) & ;;
esac
rpid=$!
port=
while IFS= read -r line; do
	if [[ $line =~ [Ll]istening\ on\ .*[:\ ]([0-9]+)$ ]]; then
		port=${BASH_REMATCH[1]}
		break
	fi
done <"$fifo"
# Keep draining the listener's stderr so that it never blocks on it.
cat "$fifo" >/dev/null &
drain=$!
if [ -z "$port" ]; then
	echo "profile.sh: the listener did not announce a port" >&2
	exit 1
fi
start=$(date +%s.%N)
case $bin in
nc) wrap nc-send nc -N 127.0.0.1 "$port" <"$file" ;;
openssl) wrap openssl-enc "${osslenc[@]}" <"$file" | wrap nc-send nc -N 127.0.0.1 "$port" ;;
*) wrap ncenc "$bin/ncenc" "${encflags[@]}" -pass "$pass" <"$file" | wrap ncc "$bin/ncc" -N 127.0.0.1 "$port" ;;
esac
wait "$rpid"
end=$(date +%s.%N)
wait "$drain" || true
rm -f "$fifo"
echo "wall $(echo "$end - $start" | bc) s ($mode)"
