# shellcheck shell=bash
# nckit-common.sh: the configuration and helpers shared by the nckit shell tools. It is sourced,
# never run: every tool reads HOST, PORT, NCPASS, NCFORMAT, NCRETRY and the Argon2 knobs the
# same way through the functions below.
#
# The password never appears in any process's arguments: ncenc and ncdec read it from the
# NCPASS environment variable themselves, so a password typed at the prompt is exported.

# The scripts prefer the binaries of the checkout they live in (bin/ next to scripts/), so
# scripts/secure_sender.sh works right after `make build`; installed copies use $PATH.
# The scripts source this file by its resolved, absolute path, so no command is needed here
# (ncl starts the receivers once per message: forks count).
nck_bin=${BASH_SOURCE[0]%/*}
nck_bin=${nck_bin%/*}/bin
if [ -x "$nck_bin/ncenc" ] && [ "${PATH%%:*}" != "$nck_bin" ]; then
	PATH="$nck_bin:$PATH"
fi

# nck_die MSG: one diagnostic line "prog: MSG" on stderr, exit 1.
nck_die() {
	printf '%s: %s\n' "$NCK_PROG" "$1" >&2
	exit 1
}

# nck_usage_error MSG: a usage error: the diagnostic, a hint, exit 2.
nck_usage_error() {
	printf '%s: %s\n%s: hint: run %s -h for usage\n' "$NCK_PROG" "$1" "$NCK_PROG" "$NCK_PROG" >&2
	exit 2
}

# nck_config_help: the environment section every usage text ends with.
nck_config_help() {
	cat <<'EOF'
Environment:
  HOST      where to connect (default localhost); for listeners, the address to
            listen on (default: all addresses, like nc -l PORT)
  PORT      TCP port (default 12345; 0 lets a listener pick a free port, which it
            announces as "Listening on ADDR:PORT")
  NCPASS    the password; when unset it is asked on the terminal (twice by senders)
  NCFORMAT  native (default: authenticated, Argon2id) or openssl (the tutorial's
            -aes-256-cbc -salt -base64 -pbkdf2 -iter 10000, to talk to openssl+nc)
  NCRETRY   senders: seconds to keep retrying a refused connection (default 10)
  NCARGON2_TIME, NCARGON2_MEMORY
            native senders: Argon2id passes and memory in MiB (default: ncenc's,
            2 and 64); lowering them weakens the protection of a guessable password
  NO_COLOR  set (to anything) to turn colours off; colours are only ever used
            on a terminal
EOF
}

# nck_config: validate the environment shared by every tool. Sets NCK_HOST, NCK_PORT,
# NCK_FORMAT, NCK_RETRY, NCK_ENC_ARGS (the ncenc flags of the chosen format, password
# excluded) and NCK_DEC_ARGS (ncdec's: -native in the native format, so that no openssl
# message, which is unauthenticated, is ever decrypted there, wherever it comes in the
# input). $1 is "connect" (HOST defaults to localhost) or "listen" (HOST optional).
nck_config() {
	local role=$1
	NCK_PORT=${PORT:-12345}
	case $NCK_PORT in
	'' | *[!0-9]*) nck_usage_error "invalid PORT: $NCK_PORT" ;;
	esac
	if [ "${#NCK_PORT}" -gt 5 ] || [ "$((10#$NCK_PORT))" -gt 65535 ]; then
		nck_usage_error "invalid PORT: $NCK_PORT (must be 0 to 65535)"
	fi
	NCK_PORT=$((10#$NCK_PORT))
	if [ "$role" = connect ]; then
		NCK_HOST=${HOST:-localhost}
		if [ "$NCK_PORT" -eq 0 ]; then
			nck_usage_error "invalid PORT: 0 (a sender needs the receiver's port)"
		fi
	else
		NCK_HOST=${HOST:-}
	fi
	NCK_RETRY=${NCRETRY:-10}
	case $NCK_RETRY in
	'' | *[!0-9]*) nck_usage_error "invalid NCRETRY: $NCK_RETRY (seconds)" ;;
	esac
	if [ "${#NCK_RETRY}" -gt 6 ]; then
		nck_usage_error "invalid NCRETRY: $NCK_RETRY (seconds, at most 999999)"
	fi
	NCK_RETRY=$((10#$NCK_RETRY))
	NCK_FORMAT=${NCFORMAT:-native}
	NCK_ENC_ARGS=()
	NCK_DEC_ARGS=()
	case $NCK_FORMAT in
	native)
		# shellcheck disable=SC2034 # used by the scripts that source this
		NCK_DEC_ARGS=(-native)
		if [ -n "${NCARGON2_TIME:-}" ]; then
			case $NCARGON2_TIME in *[!0-9]*) nck_usage_error "invalid NCARGON2_TIME: $NCARGON2_TIME" ;; esac
			NCK_ENC_ARGS+=(-argon2-time "$NCARGON2_TIME")
		fi
		if [ -n "${NCARGON2_MEMORY:-}" ]; then
			case $NCARGON2_MEMORY in *[!0-9]*) nck_usage_error "invalid NCARGON2_MEMORY: $NCARGON2_MEMORY (MiB)" ;; esac
			NCK_ENC_ARGS+=(-argon2-memory "$NCARGON2_MEMORY")
		fi
		;;
	openssl)
		# The tutorial's exact command line (v2 spells out -iter 10000, v1 relies on the
		# same default): real `openssl enc -d` with those flags reads what we write.
		NCK_ENC_ARGS=(-aes-256-cbc -salt -base64 -pbkdf2 -iter 10000)
		;;
	*) nck_usage_error "invalid NCFORMAT: $NCK_FORMAT (native or openssl)" ;;
	esac
	export NCFORMAT=$NCK_FORMAT
}

# nck_password confirm|once: make sure NCPASS is set and exported. When it is not in the
# environment, ask on the terminal without echo (twice with "confirm", as senders do, since a
# typo there would only show up on the other side). Echo is off before the prompt appears, so
# an answer typed at once is never shown, and is restored however the script ends. read is a
# shell builtin: the password never becomes an argument of any process.
nck_password() {
	local mode=$1 again=
	if [ -n "${NCPASS+set}" ]; then
		export NCPASS
		return 0
	fi
	if ! { : </dev/tty; } 2>/dev/null; then
		printf '%s: no password: set NCPASS or run on a terminal\n' "$NCK_PROG" >&2
		exit 2
	fi
	NCK_STTY=$(stty -g </dev/tty)
	trap 'nck_tty_restore; exit 130' INT
	trap 'nck_tty_restore; exit 143' TERM
	trap 'nck_tty_restore; exit 129' HUP
	stty -echo </dev/tty
	NCPASS=$(nck_ask 'password: ')
	if [ "$mode" = confirm ]; then
		again=$(nck_ask 'password (again): ')
	fi
	nck_tty_restore
	trap - INT TERM HUP
	if [ "$mode" = confirm ] && [ "$NCPASS" != "$again" ]; then
		nck_die "passwords do not match"
	fi
	if [ -z "$NCPASS" ]; then
		nck_die "empty password"
	fi
	export NCPASS
}

# nck_ask PROMPT: one line from the terminal (echo already off), on stdout.
nck_ask() {
	local answer=
	printf '%s' "$1" >/dev/tty
	IFS= read -r answer </dev/tty || true
	printf '\n' >/dev/tty
	printf '%s' "$answer"
}

nck_tty_restore() {
	stty "$NCK_STTY" </dev/tty 2>/dev/null || true
}

# nck_colors: set the colour variables, empty unless stdout is a terminal and NO_COLOR is
# unset (set to anything, even empty, it turns colours off). A per-message handler started by ncl inherits the decision
# through NCK_COLOR, since its stdout is not necessarily the terminal itself.
# shellcheck disable=SC2034 # the colour variables are used by the scripts that source this
nck_colors() {
	if [ -z "${NCK_COLOR:-}" ]; then
		NCK_COLOR=0
		if [ -t 1 ] && [ -z "${NO_COLOR+set}" ]; then
			NCK_COLOR=1
		fi
	fi
	export NCK_COLOR
	if [ "$NCK_COLOR" = 1 ]; then
		C_GREEN=$'\033[0;32m' C_BLUE=$'\033[0;34m' C_YELLOW=$'\033[1;33m'
		C_RED=$'\033[0;31m' C_OFF=$'\033[0m'
	else
		C_GREEN='' C_BLUE='' C_YELLOW='' C_RED='' C_OFF=''
	fi
}

# nck_retry_args: the ncc retry flag for NCRETRY (none when 0).
nck_retry_args() {
	NCK_RETRY_ARGS=()
	if [ "$NCK_RETRY" -gt 0 ]; then
		NCK_RETRY_ARGS=(--retry "$NCK_RETRY")
	fi
}

# nck_send_message [ENCFLAGS...]: encrypt stdin as one message and deliver it on its own
# connection. Succeeds only when ncc -N saw the receiver close cleanly after taking all of it
# (a receiver that could not decrypt it resets the connection instead).
nck_send_message() {
	ncenc "$@" | ncc -N "${NCK_RETRY_ARGS[@]}" "$NCK_HOST" "$NCK_PORT" >/dev/null
}

# nck_send_line LINE: nck_send_message for one line of text (and its newline), without the
# extra process a pipe into the function would cost: a burst sends thousands of these.
nck_send_line() {
	ncenc "${NCK_ENC_ARGS[@]}" <<<"$1" | ncc -N "${NCK_RETRY_ARGS[@]}" "$NCK_HOST" "$NCK_PORT" >/dev/null
}

# nck_openssl_prefix B64PREFIX: whether the message whose first bytes are given in base64 is in
# the openssl format: binary "Salted__" or its base64 text "U2FsdGVkX1". It only lets a
# receiver refuse the usual case in its own words: it sees the first bytes of a connection,
# nothing after white space or after a first message. What keeps an openssl message from
# being decrypted in the native format is ncdec -native (NCK_DEC_ARGS).
nck_openssl_prefix() {
	case $1 in
	U2FsdGVk* | VTJGc2RHVmtY*) return 0 ;;
	esac
	return 1
}

# nck_listen_addr: the ncl operands for the configured address and port.
nck_listen_args() {
	NCK_LISTEN_ARGS=()
	if [ -n "$NCK_HOST" ]; then
		NCK_LISTEN_ARGS+=("$NCK_HOST")
	fi
	NCK_LISTEN_ARGS+=("$NCK_PORT")
}

# nck_ncl_status CALLBACK [CONNCALLBACK]: filter for ncl -v's stderr. A "listening on
# ADDR:PORT" line is handed to CALLBACK ADDR:PORT, a "connection from ADDR:PORT" line to
# CONNCALLBACK (dropped without one: the tools report peers in their own words), ncl's note
# that a per-message command failed is dropped; everything else (ncl's and ncdec's
# diagnostics) goes on to stderr.
nck_ncl_status() {
	local cb=$1 conncb=${2:-} line
	while IFS= read -r line; do
		case $line in
		*'listening on '*) "$cb" "${line##*listening on }" ;;
		*'connection from '*) if [ -n "$conncb" ]; then "$conncb" "${line##*connection from }"; fi ;;
		# The per-message command already said what went wrong with that message.
		'ncl: --each: '*'command failed'*) ;;
		*) printf '%s\n' "$line" >&2 ;;
		esac
	done
}

# nck_run CMD...: run a long-lived CMD (a listener, or a function running a pipeline around one)
# in the background, in its own process group, with stdin from /dev/null, and wait for it. An
# INT, TERM or HUP sent to the script alone is passed on to the whole group rather than
# leaving a listener behind; otherwise the script gets CMD's exit status.
nck_run() {
	set -m
	"$@" </dev/null &
	NCK_CHILD=$!
	set +m
	trap 'nck_stop 130' INT
	trap 'nck_stop 143' TERM
	trap 'nck_stop 129' HUP
	wait "$NCK_CHILD"
}

nck_stop() {
	kill -TERM -- "-$NCK_CHILD" 2>/dev/null || kill -TERM "$NCK_CHILD" 2>/dev/null || true
	wait "$NCK_CHILD" 2>/dev/null || true
	exit "$1"
}
