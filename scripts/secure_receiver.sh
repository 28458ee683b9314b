#!/usr/bin/env bash
# secure_receiver.sh: the tutorial's secure chat receiver, on ncl and ncdec: prints every
# message a secure_sender.sh sends, decrypted, until Ctrl+C. ncl serves each connection with
# this script again (--nck-handler), several at once.
set -euo pipefail
NCK_PROG=secure_receiver.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF_USAGE'
Usage: secure_receiver.sh [-v] [-l] [[ADDR] PORT]

Listens on PORT and prints every message that secure_sender.sh (or
secure_sender_v2.sh) sends, decrypted, on stdout ("peer> TEXT" on a terminal,
the text alone otherwise), control characters made visible; who connects and
leaves goes to stderr. Runs until Ctrl+C. In the native format only senders
with the same password get through; with NCFORMAT=openssl it also takes the
tutorial's original openssl+nc sender.

Exit status: 0 stopped with Ctrl+C; 1 cannot listen; 2 usage error.

EOF_USAGE
	nck_help_common
}

# show TEXT KIND: one event of a connection (see nck_chat_handler).
show() {
	case $2 in
	message) printf '%s%s\n' "${NCK_PEER_PREFIX-}" "$1" ;;
	hello) nck_say "$NCL_PEER connected" ;;
	wrong-password) nck_say "refused $NCL_PEER: wrong password (the other side uses a different one)" ;;
	refused) nck_say "refused an openssl-format message from $NCL_PEER (that sender uses NCFORMAT=openssl)" ;;
	failed) nck_say "a message from $NCL_PEER could not be decrypted (wrong password?)" ;;
	garbage) nck_say "$NCL_PEER sent something that is not an nckit message: ignored" ;;
	end) if [ "$1" = 0 ]; then nck_say "$NCL_PEER left"; else nck_say "$NCL_PEER: the connection broke"; fi ;;
	esac
}

announce() {
	nck_say "Listening on $1"
	nck_say "Waiting for messages... Press Ctrl+C to quit"
}

if [ "${1:-}" = --nck-handler ]; then
	nck_chat_handler show
fi
nck_args listen "$@"
nck_colors
trap 'nck_stop 0' INT TERM HUP # Ctrl+C from here on stops the receiver
nck_password
NCK_PEER_PREFIX=
[ ! -t 1 ] || NCK_PEER_PREFIX='peer> '
export NCK_PEER_PREFIX
nck_chat_receiver show announce
