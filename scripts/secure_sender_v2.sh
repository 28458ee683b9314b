#!/usr/bin/env bash
# secure_sender_v2.sh: the tutorial's improved sender: timestamps, status lines, in colour on
# a terminal. It says a message was sent only once the receiver has it.
set -euo pipefail
NCK_PROG=secure_sender_v2.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF_USAGE'
Usage: secure_sender_v2.sh [-v] [HOST [PORT]]

Reads messages from stdin, one per line; empty lines are skipped. Each message
is stamped with the time it was read ("[HH:MM:SS] "), encrypted and sent to a
secure_receiver_v2.sh (or secure_receiver.sh) at HOST:PORT. "Message sent" is
printed once the receiver has decrypted it (native format) or received it
(NCFORMAT=openssl, which cannot tell more; there the ciphertext is previewed).

Exit status: 0 every message was delivered; 1 one or more were not, or the
session failed (one line says why); 2 usage or configuration error.

EOF_USAGE
	nck_help_common
}

rule=----------------------------------------
# shellcheck disable=SC2317 # hooks called by nck_chat_sender
prompt() { printf '%s[%(%H:%M:%S)T]%s Your message: ' "$C_GREEN" -1 "$C_OFF"; }
# shellcheck disable=SC2317
cipher() { printf '%sEncrypted form:%s %s...\n' "$C_BLUE" "$C_OFF" "${NCK_CIPHER:0:50}"; }
# shellcheck disable=SC2317
sent() {
	printf '%sMessage sent successfully!%s %s\n%s\n' "$C_GREEN" "$C_OFF" "$meaning" "$rule"
}

nck_args connect "$@"
nck_colors
nck_password
NCK_ON_CIPHER=cipher
meaning='(received and decrypted)'
[ "$NCK_FORMAT" = native ] || meaning='(received; this format cannot tell more)'

printf '%sSecure chat sender - started at %s%s\n' "$C_GREEN" "$(date)" "$C_OFF"
printf '%sSending to %s port %s (%s format)%s\n' "$C_BLUE" "$NCK_HOST" "$NCK_PORT" "$NCK_FORMAT" "$C_OFF"
printf '%sType your messages below. Press Ctrl+C to quit%s\n%s\n' "$C_BLUE" "$C_OFF" "$rule"
nck_chat_sender prompt sent 1
