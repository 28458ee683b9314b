#!/usr/bin/env bash
# send_file.sh: send one file, encrypted, to a receive_file.sh. The encrypted stream starts
# with a line giving the file's size and SHA-256, so the receiver can verify what arrived in
# either format (in the openssl one, that check is the only protection against truncation).
set -euo pipefail

NCK_PROG=send_file.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF'
Usage: send_file.sh [-h] FILE

Sends FILE, encrypted, to a receive_file.sh listening at HOST:PORT, and ends
once the receiver has taken all of it. The receiver, not the sender, verifies
the content (size, SHA-256 and, in the native format, authentication); it keeps
the file only if all of it arrived intact.

Exit status: 0 when the whole file was delivered, 1 when it was not (an error line
says why), 2 on a usage or configuration error.

EOF
	nck_config_help
}

case ${1:-} in
-h | --help)
	usage
	exit 0
	;;
'') nck_usage_error "missing FILE" ;;
esac
if [ $# -gt 1 ]; then
	nck_usage_error "unexpected argument: $2"
fi
file=$1
if [ ! -f "$file" ]; then
	nck_die "$file: not a regular file"
elif [ ! -r "$file" ]; then
	nck_die "$file: permission denied"
fi

nck_config connect
nck_password confirm
nck_retry_args

size=$(wc -c <"$file")
size=$((size))
sha=$(sha256sum <"$file")
sha=${sha%% *}

printf '%s: sending %s (%d bytes, sha256 %s) to %s port %s\n' \
	"$NCK_PROG" "$file" "$size" "$sha" "$NCK_HOST" "$NCK_PORT" >&2
if ! {
	printf 'nckit-file 1 %d %s\n' "$size" "$sha"
	cat -- "$file"
} | nck_send_message "${NCK_ENC_ARGS[@]}"; then
	nck_die "$file not delivered"
fi
printf '%s: delivered %s\n' "$NCK_PROG" "$file" >&2
