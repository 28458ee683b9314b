#!/usr/bin/env bash
# secure_sender.sh: the tutorial's secure chat sender, on ncenc and ncc: each line of stdin is
# sent encrypted to a secure_receiver.sh; a message that did not arrive is reported.
set -euo pipefail
NCK_PROG=secure_sender.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF_USAGE'
Usage: secure_sender.sh [-v] [HOST [PORT]]

Reads messages from stdin, one per line, and sends each one encrypted to a
secure_receiver.sh (or secure_receiver_v2.sh) at HOST:PORT. In the native format
the whole run is one session: a message counts as sent once the receiver has
decrypted it. With NCFORMAT=openssl each message is its own connection, as in
the tutorial, and "sent" only means "received". Ends at end of input (Ctrl+D)
or on Ctrl+C.

Exit status: 0 every message was delivered; 1 one or more were not, or the
session failed (one line says why); 2 usage or configuration error.

EOF_USAGE
	nck_help_common
}

nck_args connect "$@"
nck_colors
nck_password

printf 'Secure chat - type your messages below\nPress Ctrl+C to quit\n' >&2
nck_chat_sender : : 0
