#!/usr/bin/env bash
# send_file.sh: send a file or a directory, encrypted, to a receive_file.sh. Its name, size and
# SHA-256 travel inside the encrypted stream; the receiver saves it under that name.
set -euo pipefail
NCK_PROG=send_file.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF_USAGE'
Usage: send_file.sh [-v] FILE|DIR [HOST [PORT]]

Sends FILE (or DIR, as a tar archive inside the encrypted stream) to a
receive_file.sh at HOST:PORT, which saves it under the same name. Progress
(hashing, sending) on stderr when it is a terminal, then one summary line.
In the native format it ends once the receiver has checked and saved it
(or says why not: wrong password, disk full, the file already exists there);
with NCFORMAT=openssl, "sent" only means "received".

Exit status: 0 delivered (native: and saved); 1 not (one line says why);
2 usage error.

EOF_USAGE
	nck_help_common
}

nck_args send "$@"
path=${NCK_FILE%/}
name=${path##*/}
[ -e "$path" ] || nck_die "$NCK_FILE: no such file or directory"
[ -r "$path" ] || nck_die "$NCK_FILE: permission denied"
if [ -d "$path" ]; then type=d
elif [ -f "$path" ]; then type=f
else nck_die "$NCK_FILE: not a regular file or a directory"; fi
! nck_bad_name "$name" || nck_die "$NCK_FILE: a name with control characters cannot be sent: rename it"
nck_colors
nck_password
nck_tmpdir
# a mistyped host fails now, not after hashing the whole file
if command -v getent >/dev/null && ! getent ahosts "$NCK_HOST" >/dev/null 2>&1; then
	nck_die "unknown host $NCK_HOST"
fi
trap 'nck_newline; nck_die "stopped: not sent" 130' INT TERM HUP

start=${EPOCHREALTIME/./}
# content: the file itself, or a tar of the directory (made twice: measured, then sent).
content() {
	if [ "$type" = f ]; then exec cat -- "$path" 2>/dev/null; fi
	exec tar -C "$path/.." -cf - --sort=name -- "$name" 2>/dev/null
}
if [ "$type" = f ]; then
	size=$(stat -c %s -- "$path")
	nck_with_meter hashing "$size" '' -- sha256sum -- "$path" >"$NCK_TMP/sum"
else
	# size and sha256 in one pass (perl's core Digest::SHA)
	# shellcheck disable=SC2016 # perl code
	(content) | perl -MDigest::SHA -e '$d = Digest::SHA->new(256); $n = 0;
		while (($r = read STDIN, $b, 65536) > 0) { $d->add($b); $n += $r }
		print $d->hexdigest, "  -\n$n\n"' >"$NCK_TMP/sum"
	size=$(sed -n 2p "$NCK_TMP/sum")
fi
sha=$(head -c 64 "$NCK_TMP/sum")

nck_say "sending $name ($(nck_human "$size")) to $NCK_HOST:$NCK_PORT"
header="nckit-file1 $type $size $sha $name"
if [ "$NCK_FORMAT" = openssl ]; then
	# One connection, the tutorial's format; the receiver answers nothing (no oracle).
	nck_with_meter sending "$((size * 4 / 3))" '' -- ncc -N "${NCK_RETRY_ARGS[@]}" "$NCK_HOST" "$NCK_PORT" \
		< <({ printf '%s\n' "$header"; content; } | ncenc "${NCK_ENC_ARGS[@]}") \
		>/dev/null 2>"$NCK_TMP/ncc.err" || {
		nck_verbose "$NCK_TMP/ncc.err"
		! grep -q refused "$NCK_TMP/ncc.err" ||
			nck_die "nobody is listening on $NCK_HOST:$NCK_PORT: start the receiver first"
		! grep -q 'unknown host' "$NCK_TMP/ncc.err" || nck_die "unknown host $NCK_HOST"
		nck_die "not delivered: the receiver did not take it all"
	}
	verdict="received (this format cannot tell more)"
else
	nck_connect file
	printf '%s\n' "$header" >&"$NCK_W"
	IFS= read -r reply <&"$NCK_DOWN" || nck_lost
	[ "$reply" = nckit-file-go ] || { nck_reply_error "$reply"; nck_lost; }
	if ! nck_with_meter sending "$size" "" -- content >&"$NCK_W"; then
		IFS= read -r -t 5 reply <&"$NCK_DOWN" && nck_reply_error "$reply"
		nck_lost
	fi
	exec {NCK_W}>&-
	wait "$NCK_ENC_PID" || true
	nck_say "sent; waiting for the receiver to check it"
	IFS= read -r reply <&"$NCK_DOWN" || nck_lost
	case $reply in
	'nckit-file-ok '*) verdict="saved there as ${reply#nckit-file-ok }" ;;
	*) nck_reply_error "$reply"; nck_lost ;;
	esac
fi
us=$((${EPOCHREALTIME/./} - start))
nck_say "$name: $(nck_human "$size") in $((us / 1000000)).$((us / 100000 % 10))s, $(nck_rate "$size" "$us"), sha256 ${sha:0:12}, $verdict"
