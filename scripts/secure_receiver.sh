#!/usr/bin/env bash
# secure_receiver.sh: the tutorial's secure chat receiver, rebuilt on ncl and ncdec. One
# listening socket for the whole run (ncl -k), and ncl runs one decryption per connection
# (--each), so every message of a burst arrives, complete and in order, and a message that
# fails to decrypt is reported on stderr instead of vanishing.
set -euo pipefail

NCK_PROG=secure_receiver.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF'
Usage: secure_receiver.sh [-h]

Listens on PORT and prints every message a secure_sender.sh sends, decrypted, on
stdout, one after another; status and errors go to stderr. Runs until
interrupted (Ctrl+C).

With NCFORMAT=native (the default) only native, authenticated messages are
accepted; with NCFORMAT=openssl both formats are (so the tutorial's original
openssl+nc sender can talk to it).

Exit status: 1 when listening fails, 2 on a usage or configuration error.

EOF
	nck_config_help
}

# on_message: run by ncl for each connection (in the native format only), stdin = that
# connection's bytes. A message in the unauthenticated openssl format is refused, not
# printed: ncdec -native refuses it wherever it comes (after a blank line, after a native
# stream); the look at the first bytes only gives the usual case a line of ours, with a hint.
# It runs once per message, so it starts as few processes as it can: the first bytes are
# read by the shell itself. No valid message has a NUL among its first 8 bytes (the shell
# cannot hold one), so only garbage can be altered by the round trip, and it fails anyway.
on_message() {
	local LC_ALL=C prefix=
	IFS= read -r -d '' -N 8 prefix || true
	if [ -z "$prefix" ]; then
		return 0 # a connection without data (a port probe): nothing to print
	fi
	case $prefix in
	Salted__ | U2FsdGVk)
		printf '%s: refusing a message in the openssl format (unauthenticated)\n' "$NCK_PROG" >&2
		printf '%s: hint: set NCFORMAT=openssl to accept it\n' "$NCK_PROG" >&2
		return 1
		;;
	esac
	{
		printf '%s' "$prefix"
		exec cat
	} | ncdec -native
}

case ${1:-} in
-h | --help)
	usage
	exit 0
	;;
--each-message) # internal: ncl --each runs us again through this entry point
	on_message
	exit
	;;
'') ;;
*) nck_usage_error "unexpected argument: $1" ;;
esac

nck_config listen
nck_password once
nck_listen_args

announce() {
	printf 'Listening on %s\n' "$1" >&2
	printf 'Waiting for messages... Press Ctrl+C to quit\n' >&2
}

# ncl hands each connection to a command of its own. In the openssl format that is ncdec
# itself (which takes either format); in the native one, this script again, to refuse openssl
# messages first. The path travels in the environment so that no quoting can go wrong in sh -c.
export NCK_SELF
# shellcheck disable=SC2016 # expanded by ncl's /bin/sh, not here
each='exec "$NCK_SELF" --each-message'
if [ "$NCK_FORMAT" = openssl ]; then
	each='exec ncdec'
fi
nck_run ncl -v -k --each "$each" "${NCK_LISTEN_ARGS[@]}" 2> >(nck_ncl_status announce)
