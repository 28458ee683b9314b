#!/usr/bin/env bash
# receive_file.sh: receive one file (or directory) from send_file.sh, check it and save it
# under the name it was sent with. Until it is checked it sits under a visible name,
# NAME.nckit-part.PID, removed on failure and at the next start if its receiver is gone.
set -euo pipefail
NCK_PROG=receive_file.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF_USAGE'
Usage: receive_file.sh [-v] [-f] [-s ADDR] [DIR|FILE] [PORT]

Waits on PORT for one send_file.sh, then saves what it sends in DIR (default:
the current directory) under the name it was sent with, or as FILE. Names with
"/", ".." or control characters are refused; an existing file is kept unless
-f is given. It is saved only once it has arrived whole and checked (size,
SHA-256, and in the native format authentication). Progress on stderr when it
is a terminal, then one summary line. An operand made only of digits is the
port (write ./12345 for a file of that name). It listens on every address, or
only on ADDR with -s ADDR (or three operands: DIR|FILE ADDR PORT).

Exit status: 0 saved; 1 not (one line says why); 2 usage error.

EOF_USAGE
	nck_help_common
}

# reply WHY: tell the sender (native format only: the openssl format must not answer).
reply() {
	[ "$NCK_FORMAT" != native ] || printf '%s\n' "$1" >&3 2>/dev/null || true
}

# fail WHY MSG: give up on this transfer: tell the sender and the main shell, exit.
fail() {
	reply "nckit-error $1"
	rm -rf "${part:-/nonexistent}"
	printf '1 %s\n' "$2" >"$NCK_TMP/result"
	kill -USR1 "$NCK_MAIN"
	cat >/dev/null <&"$dec" 2>/dev/null || true
	exit "${3:-0}"
}

handler() {
	local header magic type size sha name out dir got rc t0
	nck_handler_init
	# stopped with the tool (Ctrl+C): nothing half-written stays behind, nothing is said here
	trap 'rm -rf "${part:-/nonexistent}"; exit 143' TERM
	if [ "$NCK_FORMAT" = native ]; then
		nck_accept file || exit 0
		exec {dec}< <(nck_decrypt_up)
	else
		exec {dec}< <(rc=0; ncdec "${NCK_DEC_ARGS[@]}" -message-timeout 3600 \
			2>"$NCK_TMP/dec.$$.err" || rc=$?; nck_put_rc "$rc")
	fi
	decpid=$!
	IFS= read -r -n 4200 -u "$dec" header || true
	if [ "$NCK_FORMAT" = native ] && [[ $header == nckit-hello\ * ]]; then
		IFS= read -r -n 4200 -u "$dec" header || true # the session's hello comes first
	fi
	read -r magic type size sha name <<<"$header" || true
	if [ "$magic" != nckit-file1 ]; then
		wait "$decpid" 2>/dev/null || true
		rc=$(nck_dec_status)
		if [ "$rc" = 3 ]; then
			reply 'nckit-error wrong-password'
			nck_say "$NCL_PEER uses a different password: refused"
		fi
		[ "$NCK_FORMAT" = native ] || { cat >/dev/null; exit 4; }
		exit "$rc"
	fi
	name=${header#nckit-file1 * * * }
	if ! mkdir "$NCK_TMP/session" 2>/dev/null; then
		reply 'nckit-error busy'
		exit 0
	fi
	nck_say "receiving from $NCL_PEER"
	t0=${EPOCHREALTIME/./}
	if [[ ! $type =~ ^[fd]$ ]] || [[ ! $size =~ ^[0-9]{1,15}$ ]] || [[ ! $sha =~ ^[0-9a-f]{64}$ ]] ||
		nck_bad_name "$name"; then
		fail bad-name "refused a file name from $NCL_PEER: $(printf '%s' "$name" | nck_sanitize)"
	fi
	if [ -z "$NCK_FILE" ] || [ -d "$NCK_FILE" ]; then
		dir=${NCK_FILE:-.} out=${NCK_FILE:-.}/$name
	else
		dir=$(dirname -- "$NCK_FILE") out=$NCK_FILE
	fi
	if [ -e "$out" ] && [ "$NCK_FORCE" != 1 ]; then
		fail "exists $name" "$out exists: not replaced (-f replaces it)"
	fi
	part=$dir/$name.nckit-part.$$
	if [ "$type" = f ]; then
		: >"$part" 2>/dev/null || fail "unwritable $name" "cannot write in $dir"
		reply nckit-file-go
		# shellcheck disable=SC2016 # sh's own arguments
		if ! nck_with_meter receiving "$size" "$part" -- sh -c 'exec cat >"$1" 2>"$2"' _ "$part" \
			"$NCK_TMP/cat.err" <&"$dec"; then
			grep -q 'No space' "$NCK_TMP/cat.err" && fail disk-full "disk full: $out not written"
			fail "write-failed" "cannot write $part: $(cat "$NCK_TMP/cat.err")"
		fi
	else
		mkdir "$part" 2>/dev/null || fail "unwritable $name" "cannot write in $dir"
		reply nckit-file-go
		tee <&"$dec" "$NCK_TMP/tar" | tar -C "$part" -xf - --no-same-owner 2>"$NCK_TMP/cat.err" ||
			fail "write-failed" "cannot unpack $name"
	fi
	wait "$decpid" 2>/dev/null || true
	rc=$(nck_dec_status)
	[ "$rc" = 0 ] || fail broken "the transfer broke off (the sender stopped or the connection broke): $out not written" "$rc"
	local file=$part
	[ "$type" = f ] || file=$NCK_TMP/tar
	got=$(stat -c %s -- "$file")
	[ "$got" -ge "$size" ] || fail size "the sender stopped ($got of $size bytes): $out not written"
	[ "$got" = "$size" ] || fail size "size mismatch ($got bytes, $size announced): $out not written"
	got=$(nck_with_meter checking "$size" '' -- sha256sum -- "$file")
	[ "${got:0:64}" = "$sha" ] || fail checksum "sha256 mismatch: $out not written"
	if [ "$type" = d ]; then
		[ "$NCK_FORCE" != 1 ] || rm -rf -- "$out"
		mv -T -- "$part/$name" "$out" 2>/dev/null || fail "exists $name" "$out exists: not replaced"
		rmdir "$part"
	elif [ "$NCK_FORCE" = 1 ]; then
		mv -f -- "$part" "$out"
	else
		ln -- "$part" "$out" 2>/dev/null || fail "exists $name" "$out exists: not replaced (-f replaces it)"
		rm -f -- "$part"
	fi
	reply "nckit-file-ok $name"
	# openssl format: ncdec stops at the message's end; the sender's FIN may still be on its
	# way, and a handler that leaves data unread gets the connection reset
	[ "$NCK_FORMAT" = native ] || cat >/dev/null
	t0=$((${EPOCHREALTIME/./} - t0))
	printf '0 %s\n' "$out: $(nck_human "$size") in $((t0 / 1000000)).$((t0 / 100000 % 10))s, \
$(nck_rate "$size" "$t0"), sha256 ${sha:0:12}" >"$NCK_TMP/result"
	kill -USR1 "$NCK_MAIN"
	exit 0
}

if [ "${1:-}" = --nck-handler ]; then
	handler
fi
nck_args receive "$@"
if [ -n "$NCK_FILE" ] && [ ! -d "$NCK_FILE" ]; then
	[ ! -e "$NCK_FILE" ] || [ -f "$NCK_FILE" ] || nck_die "$NCK_FILE: not a regular file or a directory"
	[ ! -e "$NCK_FILE" ] || [ "$NCK_FORCE" = 1 ] || nck_die "$NCK_FILE exists: not replaced (-f replaces it)"
	outdir=$(dirname -- "$NCK_FILE")
else
	outdir=${NCK_FILE:-.}
fi
# A file made and removed there: -w says yes to root even on a read-only or special file
# system (/proc), where the transfer would fail only at its end.
probe=$outdir/probe.nckit-part.$$
{ [ -d "$outdir" ] && : >"$probe"; } 2>/dev/null || nck_die "$outdir: not a writable directory"
rm -f -- "$probe"
NCK_FILE=${NCK_FILE:+$(realpath -m -- "$NCK_FILE")}
# receiving PID: whether PID is a receive_file.sh still at work (a killed one may stay a
# zombie for a while); a pid reused by another program does not keep the partial.
receiving() {
	nck_running "$1" || return 1
	[ -r "/proc/$1/cmdline" ] || return 0
	grep -qa receive_file "/proc/$1/cmdline" 2>/dev/null
}
# What a receiver killed with -9 left behind.
for p in "$outdir"/*.nckit-part.*; do
	[ -e "$p" ] && [[ ${p##*.} =~ ^[0-9]+$ ]] && ! receiving "${p##*.}" && rm -rf -- "$p"
done
nck_colors
trap 'nck_stop 0' INT TERM HUP # Ctrl+C from here on stops the receiver
nck_password
nck_tmpdir
NCK_MAIN=$$
export NCK_MAIN NCK_FILE
# shellcheck disable=SC2317
announce() { nck_say "listening on $1: waiting for a file"; }
# shellcheck disable=SC2317
done_() {
	local rc msg IFS=" "
	read -r rc msg <"$NCK_TMP/result"
	# ncl closes the sender's connection (FIN) once the handler is gone, then stops
	nck_stop_ncl
	[ "$rc" = 0 ] || nck_die "$msg"
	nck_say "saved $msg"
	exit 0
}
trap done_ USR1
NCK_STOP_MSG="stopped: nothing saved" NCK_STOP_RC=130
# Native: no --deadline, a large file takes as long as the network needs (NCK_SESSION_LIMITS
# in nckit-common.sh). openssl: nothing authenticates the sender, so ncl's deadline matches
# ncdec -message-timeout 3600: a dripper holds a slot no longer than a real message may take.
if [ "$NCK_FORMAT" = openssl ]; then
	nck_serve --nck-handler announce --deadline 3600
else
	nck_serve --nck-handler announce
fi
