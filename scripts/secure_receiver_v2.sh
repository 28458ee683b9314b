#!/usr/bin/env bash
# secure_receiver_v2.sh: the tutorial's improved receiver: timestamps, status lines, a preview
# of each ciphertext and a clear error line for a message that fails to decrypt, after which it
# goes on with the next one. One listening socket for the whole run (ncl -k); ncl runs one
# handler per connection (--each), which is what gives each message its own preview and error.
set -euo pipefail

NCK_PROG=secure_receiver_v2.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF'
Usage: secure_receiver_v2.sh [-h]

Listens on PORT and shows every message sent by secure_sender_v2.sh (or
secure_sender.sh): when it arrived, from where, the first 50 characters of its
ciphertext, then the decrypted text, or an error line saying why it could not be
decrypted. Runs until interrupted (Ctrl+C). Colours only on a terminal, and
never with NO_COLOR set. Control characters in received text are shown as "?".

With NCFORMAT=native (the default) only native, authenticated messages are
accepted; with NCFORMAT=openssl both formats are.

Exit status: 1 when listening fails, 2 on a usage or configuration error.

EOF
	nck_config_help
}

rule=----------------------------------------

# shown: TEXT with control characters (terminal escapes from the network) made visible as "?".
shown() {
	printf '%s' "$1" | LC_ALL=C tr '\000-\010\013-\037\177' '?'
}

# on_message: run by ncl for each connection, stdin = that connection's bytes. In the native
# format ncdec -native refuses an openssl (unauthenticated) message wherever it comes; the
# look at the first bytes only words the usual case our own way.
on_message() {
	local prefix preview plain err rc=0 dec=()
	prefix=$(head -c 64 | base64 -w0)
	if [ -z "$prefix" ]; then
		return 0 # a connection without data (a port probe): not a message
	fi
	# Text ciphertext (openssl base64, native armor) is previewed as it is; binary ciphertext,
	# or garbage, through its base64 form, so no raw byte reaches the terminal.
	if [ -z "$(printf '%s' "$prefix" | base64 -d | LC_ALL=C tr -d '[:print:]\n\r')" ]; then
		preview=$(printf '%s' "$prefix" | base64 -d | LC_ALL=C tr -d '\n\r')
	else
		preview=$prefix
	fi
	printf '%s[%(%H:%M:%S)T] Encrypted message received from %s:%s %s...\n' \
		"$C_YELLOW" -1 "${NCL_PEER:-?}" "$C_OFF" "${preview:0:50}"
	printf '%sDecrypting...%s\n' "$C_BLUE" "$C_OFF"
	if [ "$NCFORMAT" = native ]; then
		dec=(-native)
	fi
	if [ "$NCFORMAT" = native ] && nck_openssl_prefix "$prefix"; then
		err="refused: openssl format (unauthenticated) while NCFORMAT=native"
		rc=1
	else
		# ncdec's plaintext and its one error line go to files: the status stays ncdec's own,
		# a NUL in the plaintext costs no shell warning, and the error line becomes ours.
		plain=$NCK_TMP/plain
		if ! {
			printf '%s' "$prefix" | base64 -d
			cat
		} | ncdec "${dec[@]}" >"$plain" 2>"$NCK_TMP/err"; then
			rc=1
			err=$(head -n 1 "$NCK_TMP/err")
			err=${err:-ncdec failed}
		fi
	fi
	if [ "$rc" -eq 0 ]; then
		printf '%s[%(%H:%M:%S)T] Decrypted message:%s %s\n' "$C_GREEN" -1 "$C_OFF" \
			"$(shown "$(LC_ALL=C tr -d '\000' <"$plain")")"
	else
		printf '%s[%(%H:%M:%S)T] Error: failed to decrypt the message: %s%s\n' \
			"$C_RED" -1 "$(shown "$err")" "$C_OFF"
	fi
	printf '%s\n' "$rule"
	printf '%sWaiting for the next message...%s\n' "$C_BLUE" "$C_OFF"
	return "$rc"
}

case ${1:-} in
-h | --help)
	usage
	exit 0
	;;
--each-message) # internal: ncl --each runs us again through this entry point
	nck_colors
	on_message
	exit
	;;
'') ;;
*) nck_usage_error "unexpected argument: $1" ;;
esac

nck_config listen
nck_password once
nck_listen_args
nck_colors

NCK_TMP=$(mktemp -d "${TMPDIR:-/tmp}/secure_receiver_v2.XXXXXX")
export NCK_TMP
trap 'rm -rf "$NCK_TMP"' EXIT

announce() {
	printf '%sListening on %s. Press Ctrl+C to quit%s\n' "$C_BLUE" "$1" "$C_OFF"
	printf '%s\n' "$rule"
	printf '%sWaiting for messages...%s\n' "$C_BLUE" "$C_OFF"
}

printf '%sSecure chat receiver - started at %s%s\n' "$C_GREEN" "$(date)" "$C_OFF"

export NCK_SELF
# shellcheck disable=SC2016 # expanded by ncl's /bin/sh, not here
nck_run ncl -v -k --each 'exec "$NCK_SELF" --each-message' "${NCK_LISTEN_ARGS[@]}" \
	2> >(nck_ncl_status announce)
