#!/usr/bin/env bash
# secure_receiver_v2.sh: the tutorial's improved receiver: timestamps, status lines, colours
# on a terminal, and a clear line for what could not be decrypted.
set -euo pipefail
NCK_PROG=secure_receiver_v2.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF_USAGE'
Usage: secure_receiver_v2.sh [-v] [-l] [[ADDR] PORT]

Listens on PORT and shows every message sent by secure_sender_v2.sh (or
secure_sender.sh): who connected, each decrypted message with the time it was
shown, and a line for anything that could not be decrypted. Control characters
in received text are made visible (^[, \x9b, <U+202E>). Runs until Ctrl+C.

Exit status: 0 stopped with Ctrl+C; 1 cannot listen; 2 usage error.

EOF_USAGE
	nck_help_common
}

rule=----------------------------------------

# show TEXT KIND: one event of a connection (see nck_chat_handler).
show() {
	local now
	printf -v now '[%(%H:%M:%S)T]' -1
	case $2 in
	message) printf '%s%s Decrypted message:%s %s\n' "$C_GREEN" "$now" "$C_OFF" "$1" ;;
	cipher) printf '%s%s Encrypted message received from %s:%s %s...\n%sDecrypting...%s\n' \
		"$C_YELLOW" "$now" "$NCL_PEER" "$C_OFF" "$(printf '%s' "${NCK_CIPHER:0:50}" | nck_sanitize)" \
		"$C_BLUE" "$C_OFF" ;;
	hello) printf '%s%s %s connected%s\n' "$C_BLUE" "$now" "$NCL_PEER" "$C_OFF" ;;
	wrong-password) printf '%s%s Error: %s uses a different password: refused%s\n' \
		"$C_RED" "$now" "$NCL_PEER" "$C_OFF" ;;
	refused) printf '%s%s Error: refused an openssl-format message from %s%s\n' \
		"$C_RED" "$now" "$NCL_PEER" "$C_OFF" ;;
	failed) printf '%s%s Error: failed to decrypt the message (wrong password?)%s\n%s\n' \
		"$C_RED" "$now" "$C_OFF" "$rule" ;;
	garbage) printf '%s%s Error: %s sent something that is not an nckit message: ignored%s\n' \
		"$C_RED" "$now" "$NCL_PEER" "$C_OFF" ;;
	end) if [ "$1" = 0 ]; then
		printf '%s%s %s left%s\n%s\n' "$C_BLUE" "$now" "$NCL_PEER" "$C_OFF" "$rule"
	else
		printf '%s%s Error: the connection from %s broke%s\n%s\n' "$C_RED" "$now" "$NCL_PEER" "$C_OFF" "$rule"
	fi ;;
	esac
}

announce() {
	printf '%sListening on %s. Press Ctrl+C to quit%s\n%s\n%sWaiting for messages...%s\n' \
		"$C_BLUE" "$1" "$C_OFF" "$rule" "$C_BLUE" "$C_OFF"
}

if [ "${1:-}" = --nck-handler ]; then
	nck_chat_handler show
fi
nck_args listen "$@"
nck_colors
trap 'nck_stop 0' INT TERM HUP # Ctrl+C from here on stops the receiver
nck_password
printf '%sSecure chat receiver - started at %s%s\n' "$C_GREEN" "$(date)" "$C_OFF"
nck_chat_receiver show announce
