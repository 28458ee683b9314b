#!/usr/bin/env bash
# chat.sh: a two-person encrypted chat. One side listens (-l), the other connects; each line
# appears on the other side as soon as Enter is pressed. One connection per chat, one
# authenticated stream each way, both bound to nonces fresh from both sides.
set -euo pipefail
NCK_PROG=chat.sh
NCK_SELF=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR source=nckit-common.sh
. "${NCK_SELF%/*}/nckit-common.sh"

usage() {
	cat <<'EOF_USAGE'
Usage: chat.sh -l [-v] [[ADDR] PORT]     wait for the other side
       chat.sh [-v] [HOST [PORT]]        join the side that waits

Lines you type go to the other side; theirs are shown as "peer> TEXT", with
control characters made visible; status lines ("chat.sh: ...") go to stderr.
Ctrl+D or Ctrl+C leaves the chat, and the other side is told. A third person
who connects while a chat is on is told it is busy. Native format only.

Exit status: 0 a chat took place and ended (either side left); 1 never
connected, wrong password, or the connection broke; 2 usage error.

EOF_USAGE
	nck_help_common
}

# peer_lines: the peer's stream, sanitized: "m TEXT" lines shown, "nckit-bye" noted.
# shellcheck disable=SC2317 # called by handler and connector
peer_lines() {
	local line
	while IFS= read -r line; do
		case $line in
		'm '*) printf '%speer>%s %s\n' "$C_YELLOW" "$C_OFF" "${line:2}" ;;
		nckit-bye) # the connector answers by ending its own stream (see ended)
			: >"$NCK_TMP/bye"
			[ "$NCK_LISTEN" = 1 ] || finish 0 "the other side left the chat"
			;;
		esac
	done
}

# finish STATUS WHY: the session is over: tell the main shell (which may be reading the
# keyboard) through a file and USR1.
# shellcheck disable=SC2317
finish() {
	mkdir "$NCK_TMP/finished" 2>/dev/null || return 0 # the first verdict is the one
	printf '%s %s\n' "$1" "$2" >"$NCK_TMP/result.tmp"
	mv "$NCK_TMP/result.tmp" "$NCK_TMP/result"
	kill -USR1 "$NCK_MAIN" 2>/dev/null || true
}

# handler: one connection to the listener (run by ncl --each).
# shellcheck disable=SC2317
handler() {
	local line rc=0
	NCK_LISTEN=1
	nck_handler_init
	if [ -d "$NCK_TMP/session" ]; then
		printf 'nckit-busy\n' >&3
		nck_say "$NCL_PEER tried to join: told it is busy"
		exit 0
	fi
	nck_accept talk || exit 0
	exec {dec}< <(nck_decrypt_up | nck_sanitize)
	local decpid=$!
	IFS= read -r -u "$dec" line || true
	if [[ ! $line =~ ^nckit-hello\ [0-9a-f]{32}$ ]]; then
		wait "$decpid" 2>/dev/null || true
		rc=$(nck_dec_status)
		if [ "$rc" = 3 ]; then
			printf 'nckit-error wrong-password\n' >&3
			nck_say "$NCL_PEER tried to join with a different password: refused"
		fi
		exit "$rc"
	fi
	if ! mkdir "$NCK_TMP/session" 2>/dev/null; then
		printf 'nckit-busy\n' >&3
		exit 0
	fi
	nck_say "connected: $NCL_PEER joined the chat"
	# Our stream starts only now that the connector proved the password.
	printf 'nckit-stream\n' >&3
	{
		printf 'nckit-hello %s\n' "$(nck_nonce)"
		while IFS= read -r line && [ "$line" != nckit-end ]; do
			printf '%s\n' "$line"
			[ "$line" != nckit-bye ] || break
		done <"$NCK_TMP/say"
	} | ncenc "${NCK_ENC_ARGS[@]}" -label "$NCK_LABEL_DOWN" >&3 &
	local down=$!
	peer_lines <&"$dec"
	wait "$decpid" 2>/dev/null || true
	rc=$(nck_dec_status)
	printf 'nckit-end\n' >"$NCK_TMP/say" # the peer is gone: end our stream too
	wait "$down" || true
	if [ -e "$NCK_TMP/left" ]; then finish 0 "you left the chat"
	elif [ -e "$NCK_TMP/bye" ] || [ "$rc" = 0 ]; then finish 0 "the other side left the chat"
	else finish 1 "the other side left (the connection broke)"; fi
	exit 0
}

# leave: our user leaves (Ctrl+D, Ctrl+C): say goodbye in the stream; the other side ends
# the connection in answer, which ends the session.
# shellcheck disable=SC2317
leave() {
	[ ! -e "$NCK_TMP/left" ] || return 0
	: >"$NCK_TMP/left"
	if [ "$NCK_LISTEN" = 1 ] && [ ! -d "$NCK_TMP/session" ]; then
		nck_die "you left before anyone joined"
	fi
	[ -n "${say:-}${NCK_W:-}" ] || nck_die "you left before the chat started"
	if [ "$NCK_LISTEN" = 1 ]; then
		printf 'nckit-bye\n' >&"$say"
	else
		{ printf 'nckit-bye\n' >&"$NCK_W"; } 2>/dev/null || true
		exec {NCK_W}>&-
		NCK_W=
	fi
}

# ended: the session is over: one calm line, the exit status.
# shellcheck disable=SC2317
ended() {
	local rc why IFS=" " # a trap: IFS may be the empty one of an interrupted read
	read -r rc why <"$NCK_TMP/result"
	if [ "$NCK_LISTEN" = 1 ]; then
		# the handler has sent our stream's end; ncl sends it on, and the FIN, then stops
		nck_stop_ncl
	else # end our stream cleanly, so the listener ends cleanly too
		[ -z "${NCK_W:-}" ] || exec {NCK_W}>&-
		wait "$NCK_ENC_PID" 2>/dev/null || true
		# until ncc is done (our stream's last bytes are out when the listener closes; stopped
		# before, ncc would reset the connection) and connector_side, the only reader of the
		# listener's stream, has read it to its end
		nck_wait_gone "$NCK_NCC_PID" "$NCK_SIDE_PID"
	fi
	if [ "$rc" = 0 ]; then nck_say "$why"; else nck_die "$why"; fi
	exit "$rc"
}

# connector_side: the listener's answer and stream (run in the background).
# shellcheck disable=SC2317
connector_side() {
	local first rc
	IFS= read -r -u "$NCK_DOWN" first || true
	case $first in
	nckit-stream) ;;
	'nckit-error wrong-password') finish 1 "wrong password (the other side uses a different one)"; return ;;
	nckit-busy | 'nckit-error busy') finish 1 "$NCK_HOSTPORT is busy: someone else is chatting there"; return ;;
	*) finish 1 "the other side left before the chat started"; return ;;
	esac
	{ rc=0
		ncdec "${NCK_DEC_ARGS[@]}" -label "$NCK_LABEL_DOWN" <&"$NCK_DOWN" 2>"$NCK_TMP/down.err" || rc=$?
		{ echo "$rc" >"$NCK_TMP/down.rc"; } 2>/dev/null; } | nck_sanitize | {
		IFS= read -r first && : >"$NCK_TMP/streamed" && nck_say "connected to $NCK_HOSTPORT"
		peer_lines
	}
	nck_verbose "$NCK_TMP/down.err"
	if [ -e "$NCK_TMP/left" ]; then finish 0 "you left the chat"
	elif [ ! -e "$NCK_TMP/streamed" ]; then finish 1 "not an nckit chat at $NCK_HOSTPORT"
	elif [ -e "$NCK_TMP/bye" ] || [ "$(cat "$NCK_TMP/down.rc" 2>/dev/null)" = 0 ]; then
		finish 0 "the other side left the chat"
	else finish 1 "the other side left (the connection broke)"; fi
}

if [ "${1:-}" = --nck-handler ]; then
	handler
fi
nck_args chat "$@"
[ "$NCK_FORMAT" = native ] || nck_usage_error "chat.sh speaks the native format only (unset NCFORMAT)"
nck_colors
nck_tmpdir
NCK_MAIN=$$
export NCK_MAIN
trap ended USR1
trap 'nck_newline; leave' INT TERM HUP # before the password: see nck_password
nck_password

if [ "$NCK_LISTEN" = 1 ]; then
	mkfifo "$NCK_TMP/say"
	exec {say}<>"$NCK_TMP/say"
	# shellcheck disable=SC2317
	announce() { nck_say "listening on $1: waiting for someone to join"; }
	nck_listen_args
	NCK_TTY2=0
	[ ! -t 2 ] || NCK_TTY2=1
	export NCK_SELF NCK_HANDLER_ARG=--nck-handler NCK_VERBOSE NCK_TTY2
	# No --deadline: a chat lasts as long as its people want (NCK_SESSION_LIMITS in
	# nckit-common.sh: ncdec's own limits free a slot held by anyone without the password).
	# The cap is the other receivers' (a second person is told it is busy by the handler).
	NCK_NCL_CLOSE=$say
	# shellcheck disable=SC2016 # expanded by ncl's /bin/sh
	nck_ncl_start announce -k --max 64 --each 'exec "$NCK_SELF" "$NCK_HANDLER_ARG"' \
		"${NCK_LISTEN_ARGS[@]}"
	while IFS= read -r line || [ -n "$line" ]; do
		printf 'm %s\n' "$line" >&"$say"
	done
else
	nck_say "waiting for $NCK_HOST:$NCK_PORT"
	nck_connect talk
	set -m
	connector_side {NCK_W}>&- &
	NCK_SIDE_PID=$!
	set +m
	NCK_PIDS="$NCK_PIDS $NCK_SIDE_PID"
	while IFS= read -r line || [ -n "$line" ]; do
		{ printf 'm %s\n' "$line" >&"$NCK_W"; } 2>/dev/null || break
	done
fi
leave
# Wait for the other side's answer (ended exits); a signal interrupts wait, hence the loop.
# A second TERM (or Ctrl+C) after leaving ends it at once.
trap 'nck_newline; nck_die "stopped" 130' INT TERM HUP
while :; do
	wait || true
	[ ! -e "$NCK_TMP/result" ] || ended
	if [ -z "$(jobs -p)" ]; then # nobody left to give a verdict
		[ "$NCK_LISTEN" = 1 ] || nck_die "not an nckit chat at $NCK_HOSTPORT"
		nck_die "the listener stopped"
	fi
done
