#!/usr/bin/env bash
# chat.sh: a two-person encrypted chat over one TCP connection, one side listening (-l), the
# other connecting. Each direction is one encrypted stream: ncenc seals every line as soon as it
# is typed and ncdec shows it as soon as its record authenticates, so nothing waits for the end.
set -euo pipefail

NCK_PROG=chat.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF'
Usage: chat.sh -l
       chat.sh [HOST]
       chat.sh -h

One side waits for the other (-l, on PORT, and on HOST when it is set), the other
connects to HOST (the operand, else $HOST, else localhost) on PORT. Lines typed on
either side appear on the other as soon as Enter is pressed; both directions are
encrypted with the shared password. What the peer types is written to stdout,
status lines go to stderr.

End of input (Ctrl+D) leaves the chat cleanly: the peer is told "peer left the
chat" and ends too. Ctrl+C leaves abruptly; the peer then reports the connection
as lost.

Formats: native (default) is one authenticated stream per direction, flushed per
line, whose clean end is authenticated too; each direction has its own label, so
a stream reflected back to its sender is refused. NCFORMAT=openssl sends each
line as its own openssl message, base64 on a single line (-A), since an openssl
stream cannot be decrypted before it ends; a line that fails to decrypt is
reported and the chat goes on (this format has no labels: no such protection).

Exit status: 0 when the chat ended cleanly (either side leaving with Ctrl+D),
1 when the connection failed or was lost, 2 on a usage or configuration error.

EOF
	nck_config_help
}

listen=0
case ${1:-} in
-h | --help)
	usage
	exit 0
	;;
-l) listen=1 ;;
-*) nck_usage_error "unknown option: $1" ;;
'') ;;
*)
	# shellcheck disable=SC2034 # read by nck_config
	HOST=$1
	;;
esac
if [ $# -gt 1 ]; then
	nck_usage_error "unexpected argument: $2"
fi

if [ "$listen" -eq 1 ]; then
	nck_config listen
	nck_listen_args
else
	nck_config connect
	nck_retry_args
fi
nck_password once

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Ctrl+C ends every process of the chat at once (they share the terminal's process group);
# these make the shell itself exit through its EXIT trap rather than die without cleaning up.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

openssl_line=(-aes-256-cbc -salt -base64 -A -pbkdf2 -iter 10000)

# One password serves both directions, so in the native format each direction's stream is
# bound to a label of its own (never sent, part of the keys): a stream reflected back to its
# sender then fails as "wrong password, wrong label or corrupted header" instead of showing our own words as
# the peer's. The openssl format has no labels; there reflection goes unnoticed.
if [ "$listen" -eq 1 ]; then
	label_out='nckit chat: listener to connector'
	label_in='nckit chat: connector to listener'
else
	label_out='nckit chat: connector to listener'
	label_in='nckit chat: listener to connector'
fi

# The chat's one convention on top of the two streams: a line holding only EOT (Ctrl+D,
# \004) says "I am leaving". It travels encrypted like any line, so it is authenticated in
# the native format, and it lets the peer end at once whatever its transport does at our end
# of stream (a listener quits at the peer's FIN; a connector waits for its own input's end).
EOT=$'\004'

# say LINE: write one line to the peer (in the openssl format, as a message of its own).
say() {
	if [ "$NCK_FORMAT" = openssl ]; then
		printf '%s\n' "$1" | ncenc "${openssl_line[@]}"
		printf '\n'
	else
		printf '%s\n' "$1"
	fi
}

# reader: the local lines, one write each. At end of input: EOT, and a mark so that the
# receiving side knows that we, not the peer, ended the chat. The receiving side stops it
# (TERM) when the peer leaves first.
reader() {
	trap 'exit 0' TERM # being stopped is this function's normal end, not worth a "Terminated"
	printf '%s\n' "$BASHPID" >"$tmp/reader.pid"
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		say "$line"
	done
	say "$EOT"
	: >"$tmp/left"
}

encrypt() {
	if [ "$NCK_FORMAT" = openssl ]; then
		cat
		return
	fi
	ncenc "${NCK_ENC_ARGS[@]}" -label "$label_out"
}

# shellcheck disable=SC2317 # called back by nck_ncl_status
announce() {
	printf '%s: listening on %s\n' "$NCK_PROG" "$1" >&2
}
# shellcheck disable=SC2317 # called back by nck_ncl_status
connected() {
	printf '%s: %s joined the chat\n' "$NCK_PROG" "$1" >&2
}
# transport: the connection. The connector half-closes at the end of its stream (-N); the
# listener does not need to, since the connector answers our EOT by ending and closing, which
# ends the listener.
transport() {
	printf '%s\n' "$BASHPID" >"$tmp/transport.pid" # exec keeps it: ncl's or ncc's pid
	if [ "$listen" -eq 1 ]; then
		exec ncl -v "${NCK_LISTEN_ARGS[@]}" 2> >(nck_ncl_status announce connected)
	fi
	exec ncc -N "${NCK_RETRY_ARGS[@]}" "$NCK_HOST" "$NCK_PORT"
}

# stop_transport: close the connection now. After a failure there is nothing left worth
# delivering, and a peer that keeps the connection open without sending (one that reflects
# our stream, say) would otherwise keep a listener waiting for its end forever.
stop_transport() {
	local pid
	if pid=$(cat "$tmp/transport.pid" 2>/dev/null); then
		kill -TERM "$pid" 2>/dev/null || true
	fi
}

# decrypt: the peer's plaintext, as it arrives; fails when the peer's stream breaks.
decrypt() {
	local line
	if [ "$NCK_FORMAT" = native ]; then
		ncdec -label "$label_in" 2>"$tmp/decerr"
		return
	fi
	while IFS= read -r line; do
		if ! printf '%s\n' "$line" | ncdec "${openssl_line[@]}" 2>"$tmp/decerr"; then
			printf '%s: a message failed to decrypt: %s\n' "$NCK_PROG" "$(head -n 1 "$tmp/decerr")" >&2
		fi
	done
	# Each line stands alone in this format: a bad one was reported and the chat went on.
	: >"$tmp/decerr"
}

# stop_reader: end our side: the reader stops, ncenc writes the end of our stream.
stop_reader() {
	local pid i
	for ((i = 0; i < 200; i++)); do
		[ -s "$tmp/reader.pid" ] && break
		sleep 0.01 # the reader writes its pid first thing; this only covers its start-up
	done
	if pid=$(cat "$tmp/reader.pid" 2>/dev/null); then
		kill -TERM "$pid" 2>/dev/null || true
	fi
}

# show: print the peer's lines as they come; on its EOT, say so and end our side too.
show() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		if [ "$line" = "$EOT" ]; then
			: >"$tmp/bye"
			printf '%s: peer left the chat\n' "$NCK_PROG" >&2
			stop_reader
			continue
		fi
		printf '%s\n' "$line"
	done
}

# receive: show the peer's lines; once its stream has ended, say why, and make sure our own
# side ends too.
receive() {
	local rc=0
	trap 'exit 130' INT # Ctrl+C here: we are the ones leaving, not a lost connection
	decrypt | show
	rc=${PIPESTATUS[0]}
	if [ -e "$tmp/bye" ]; then
		rc=0 # the peer said goodbye (authenticated); what follows it does not matter
	elif [ -e "$tmp/left" ]; then
		# We left first; the peer may close without its own end of stream.
		printf '%s: you left the chat\n' "$NCK_PROG" >&2
		rc=0
	elif [ "$rc" -eq 0 ]; then
		printf '%s: peer left the chat\n' "$NCK_PROG" >&2
	else
		printf '%s: connection lost: %s\n' "$NCK_PROG" "$(head -n 1 "$tmp/decerr" 2>/dev/null)" >&2
		rc=1
		stop_transport
	fi
	stop_reader
	return "$rc"
}

# The exit status is receive's verdict: the others end by being told to (reader) or by the
# peer closing (transport), and their own errors are already on stderr.
set +e
{ reader | encrypt; } | transport | receive
status=("${PIPESTATUS[@]}")
exit "${status[2]}"
