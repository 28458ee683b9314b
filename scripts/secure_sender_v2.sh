#!/usr/bin/env bash
# secure_sender_v2.sh: the tutorial's improved sender: timestamps, status lines and a preview
# of the ciphertext, in colour on a terminal. It says a message was sent only when the
# receiver took it (ncc -N exited 0), and prints an error line otherwise.
set -euo pipefail

NCK_PROG=secure_sender_v2.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF'
Usage: secure_sender_v2.sh [-h]

Reads messages from stdin, one per line; empty lines are skipped. Each message is
prefixed with the time it was typed ("[HH:MM:SS] "), encrypted (armored, so a
preview of the ciphertext can be shown) and sent on its own connection to a
secure_receiver_v2.sh (or secure_receiver.sh) at HOST:PORT. "Message sent" is
printed only once the receiver has taken the message; otherwise an error line
says why. Colours only on a terminal, and never with NO_COLOR set.

Exit status: 0 when every message was delivered, 1 when one or more were not,
2 on a usage or configuration error.

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
nck_colors

enc_args=("${NCK_ENC_ARGS[@]}")
if [ "$NCK_FORMAT" = native ]; then
	enc_args+=(-a) # armored: text that can be previewed, one line per record
fi
rule=----------------------------------------

printf '%sSecure chat sender - started at %s%s\n' "$C_GREEN" "$(date)" "$C_OFF"
printf '%sSending to %s port %s (%s format)%s\n' "$C_BLUE" "$NCK_HOST" "$NCK_PORT" "$NCK_FORMAT" "$C_OFF"
printf '%sType your messages below. Press Ctrl+C to quit%s\n' "$C_BLUE" "$C_OFF"
printf '%s\n' "$rule"

sent=0 failed=0
while :; do
	if [ -t 0 ]; then
		printf '%s[%(%H:%M:%S)T]%s Your message: ' "$C_GREEN" -1 "$C_OFF"
	fi
	IFS= read -r message || [ -n "$message" ] || break
	if [ -z "$message" ]; then
		continue
	fi
	printf -v stamped '[%(%H:%M:%S)T] %s' -1 "$message"

	printf '%sEncrypting and sending the message...%s\n' "$C_BLUE" "$C_OFF"
	encrypted=$(printf '%s\n' "$stamped" | ncenc "${enc_args[@]}")
	preview=${encrypted//$'\n'/}
	printf '%sEncrypted form:%s %s...\n' "$C_BLUE" "$C_OFF" "${preview:0:50}"

	if err=$(printf '%s\n' "$encrypted" | ncc -N "${NCK_RETRY_ARGS[@]}" "$NCK_HOST" "$NCK_PORT" 2>&1 >/dev/null); then
		sent=$((sent + 1))
		printf '%sMessage sent successfully!%s\n' "$C_GREEN" "$C_OFF"
	else
		failed=$((failed + 1))
		err=${err%%$'\n'*}
		printf '%sError: message not delivered: %s%s\n' "$C_RED" "${err:-ncc failed}" "$C_OFF"
	fi
	printf '%s\n' "$rule"
done

if [ "$failed" -gt 0 ]; then
	printf '%s%d of %d messages not delivered%s\n' "$C_RED" "$failed" "$((sent + failed))" "$C_OFF"
	exit 1
fi
