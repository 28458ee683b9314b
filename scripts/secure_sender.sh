#!/usr/bin/env bash
# secure_sender.sh: the tutorial's secure chat sender, rebuilt on ncenc and ncc. Each line read
# from stdin is encrypted as its own message and delivered on its own connection; a message
# the receiver did not take is reported, and the exit status says whether all of them were.
set -euo pipefail

NCK_PROG=secure_sender.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF'
Usage: secure_sender.sh [-h]

Reads messages from stdin, one per line, and sends each one encrypted on its own
connection to a secure_receiver.sh (or secure_receiver_v2.sh) at HOST:PORT. Ends
at end of input (Ctrl+D) or on Ctrl+C.

Exit status: 0 when every message was delivered, 1 when one or more were not (each
one is reported on stderr as it fails), 2 on a usage or configuration error.

EOF
	nck_config_help
}

case ${1:-} in
-h | --help)
	usage
	exit 0
	;;
'') ;;
*) nck_usage_error "unexpected argument: $1" ;;
esac

nck_config connect
nck_password confirm
nck_retry_args

printf 'Secure chat - type your messages below\n' >&2
printf 'Press Ctrl+C to quit\n' >&2

sent=0 failed=0
while IFS= read -r message || [ -n "$message" ]; do
	if nck_send_line "$message"; then
		sent=$((sent + 1))
	else
		failed=$((failed + 1))
		printf '%s: message %d not delivered\n' "$NCK_PROG" "$((sent + failed))" >&2
	fi
done

if [ "$failed" -gt 0 ]; then
	printf '%s: %d of %d messages not delivered\n' "$NCK_PROG" "$failed" "$((sent + failed))" >&2
	exit 1
fi
