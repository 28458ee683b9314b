#!/usr/bin/env bash
# receive_file.sh: receive one file from send_file.sh, decrypt and verify it, and only then
# move it into place: it is written to a temporary file next to OUTFILE and renamed, so OUTFILE
# never holds a partial, truncated or tampered transfer.
set -euo pipefail

NCK_PROG=receive_file.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF'
Usage: receive_file.sh [-h] OUTFILE

Listens on PORT for one connection from send_file.sh, decrypts the file it sends,
and checks it: the decryption must succeed (in the native format, that
authenticates every byte and detects truncation) and the size and SHA-256 must
match what the sender announced. Only then is OUTFILE written (replaced if it
exists), by renaming a temporary file from the same directory. Ends by itself.

Exit status: 0 when the file arrived intact and OUTFILE was written, 1 when it did
not (an error line says why; OUTFILE is left untouched), 2 on a usage or
configuration error.

EOF
	nck_config_help
}

case ${1:-} in
-h | --help)
	usage
	exit 0
	;;
'') nck_usage_error "missing OUTFILE" ;;
esac
if [ $# -gt 1 ]; then
	nck_usage_error "unexpected argument: $2"
fi
out=$1
outdir=$(dirname -- "$out")
if [ -d "$out" ]; then
	nck_die "$out: is a directory"
elif [ ! -d "$outdir" ] || [ ! -w "$outdir" ]; then
	nck_die "$outdir: not a writable directory"
fi

nck_config listen
nck_password once
nck_listen_args

work=$(mktemp -d "${TMPDIR:-/tmp}/receive_file.XXXXXX")
part=$(mktemp "$outdir/.$(basename -- "$out").part.XXXXXX")
trap 'rm -rf "$work"; rm -f "$part"' EXIT

# require_native: in the native format, refuse an openssl-format (unauthenticated) stream
# before decrypting anything, with a line of ours; pass every byte on otherwise. ncdec's
# NCK_DEC_ARGS (-native) is what refuses one that hides behind white space.
require_native() {
	local prefix
	prefix=$(head -c 16 | base64 -w0)
	if [ "$NCFORMAT" = native ] && nck_openssl_prefix "$prefix"; then
		printf '%s: refusing a stream in the openssl format (unauthenticated)\n' "$NCK_PROG" >&2
		printf '%s: hint: set NCFORMAT=openssl to accept it\n' "$NCK_PROG" >&2
		return 1
	fi
	printf '%s' "$prefix" | base64 -d
	exec cat
}

# store: split the decrypted stream into the header line and the file's bytes.
store() {
	local header=
	IFS= read -r -n 256 header || true
	printf '%s\n' "$header" >"$work/header"
	exec cat >"$part"
}

receive() {
	ncl -v "${NCK_LISTEN_ARGS[@]}" | require_native | ncdec "${NCK_DEC_ARGS[@]}" | store
}

announce() {
	printf '%s: listening on %s\n' "$NCK_PROG" "$1" >&2
}
connection() {
	printf '%s: receiving from %s\n' "$NCK_PROG" "$1" >&2
}

if ! nck_run receive 2> >(nck_ncl_status announce connection); then
	nck_die "transfer failed: $out not written"
fi

read -r magic version size sha rest <"$work/header" || true
if [ "${magic:-}" != nckit-file ] || [ "${version:-}" != 1 ] || [ -n "${rest:-}" ] ||
	[[ ! ${size:-} =~ ^[0-9]+$ ]] || [[ ! ${sha:-} =~ ^[0-9a-f]{64}$ ]]; then
	nck_die "not a send_file.sh transfer: $out not written"
fi
got=$(wc -c <"$part")
if [ "$((got))" -ne "$size" ]; then
	nck_die "size mismatch: expected $size bytes, received $((got)): $out not written"
fi
gotsha=$(sha256sum <"$part")
gotsha=${gotsha%% *}
if [ "$gotsha" != "$sha" ]; then
	nck_die "sha256 mismatch: $out not written"
fi
chmod "$(printf '%o' "$((0666 & ~$(umask)))")" "$part"
mv -f -- "$part" "$out"
printf '%s: received %s (%d bytes, sha256 %s)\n' "$NCK_PROG" "$out" "$size" "$sha" >&2
