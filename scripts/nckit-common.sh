# shellcheck shell=bash
# shellcheck disable=SC2034 # NCK_* variables are read by the tools that source this file
# nckit-common.sh: what the nckit shell tools share, sourced from the tool's own directory
# (so installed copies find it): the command line, the configuration, the password, how text
# from the network reaches a terminal, and the session protocol of the native format.
#
# The password never appears in any process's arguments: ncenc and ncdec read NCPASS from
# their environment themselves (-pass env:NCPASS).
#
# Native session protocol ("nckit-chat1", one TCP connection per session):
#   listener -> connector  "nckit-chat1 LNONCE\n" (or "nckit-busy\n": someone else is served)
#   connector -> listener  "nckit-chat1 CNONCE\n"
#   connector -> listener  an ncenc stream, label "nckit-chat1 KIND c2l LNONCE CNONCE": first
#                          line "nckit-hello TOKEN", then "m TEXT" per message, "nckit-bye"
#   listener -> connector  secure chat: "ok ACK" per message (ACK: sha256 of "TOKEN N", which
#                          only a holder of the decrypted TOKEN can give) or "nckit-error WHY";
#                          chat.sh: an ncenc stream labelled "... l2c ...", sent only once the
#                          connector's hello authenticated. Both nonces are fresh each session,
#                          so a recorded direction replays into nothing.

nck_bin=${BASH_SOURCE[0]%/*}
nck_bin=${nck_bin%/*}/bin
if [ -x "$nck_bin/ncenc" ] && [ "${PATH%%:*}" != "$nck_bin" ]; then
	PATH="$nck_bin:$PATH"
fi

# ---- messages -------------------------------------------------------------------------------

# nck_say MSG: a status line "prog: MSG" on stderr, coloured on a terminal (peer text never
# is, so a coloured line is always ours).
nck_say() {
	printf '%s%s: %s%s\n' "${C_STATUS-}" "$NCK_PROG" "$1" "${C_OFF-}" >&2
}

# nck_die MSG [STATUS]: the one line saying what went wrong, then exit (default 1).
nck_die() {
	printf '%s%s: %s%s\n' "${C_RED-}" "$NCK_PROG" "$1" "${C_OFF-}" >&2
	exit "${2:-1}"
}

# nck_newline: after a Ctrl+C on a terminal, the next line starts at its beginning (not "^C").
nck_newline() {
	[ ! -t 2 ] || printf '\n' >&2
}

# nck_usage_error MSG: a usage error: the diagnostic, where to look, exit 2.
nck_usage_error() {
	printf "%s: %s\n%s: try '%s -h'\n" "$NCK_PROG" "$1" "$NCK_PROG" "$NCK_PROG" >&2
	exit 2
}

# nck_verbose FILE...: with -v, the tools' own lines (ncc:, ncdec:) from FILEs, on stderr.
nck_verbose() {
	if [ "${NCK_VERBOSE:-0}" = 1 ]; then
		cat -- "$@" >&2 2>/dev/null || true
	fi
}

# nck_sanitize: the one filter between network text and a terminal. C0 controls but tab and
# newline, DEL, C1 controls raw (0x80-0x9f outside UTF-8) or as UTF-8 (U+0080-U+009F) and bidi
# overrides (U+202A-U+202E, U+2066-U+2069) become visible placeholders (^[, \x9b, <U+202E>);
# other UTF-8 passes. Line-buffered, so it can sit in a live pipeline.
nck_sanitize() {
	# shellcheck disable=SC2016 # perl code
	LC_ALL=C perl -pe 'BEGIN { $| = 1 }
		s{([\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})
		 |([\x00-\x08\x0b-\x1f\x7f])|([\x80-\x9f])}{
			defined $1 ? u($1) : defined $2 ? ($2 eq "\x7f" ? "^?" : "^" . chr(ord($2) + 64))
			: sprintf("\\x%02x", ord $3) }gex;
		sub u { my $s = shift; my @b = map { ord } split //, $s;
			my $c = @b == 2 ? ($b[0] & 31) << 6 | ($b[1] & 63)
			: @b == 3 ? ($b[0] & 15) << 12 | ($b[1] & 63) << 6 | ($b[2] & 63) : 0;
			return ($c >= 0x80 && $c <= 0x9f) || ($c >= 0x202a && $c <= 0x202e)
				|| ($c >= 0x2066 && $c <= 0x2069) ? sprintf("<U+%04X>", $c) : $s }'
}

# nck_colors: colours on a terminal only, never with NO_COLOR set. A handler started by ncl
# inherits the decision through NCK_COLOR (its stdout is a pipe to ncl).
# shellcheck disable=SC2034 # used by the tools
nck_colors() {
	if [ -z "${NCK_COLOR:-}" ]; then
		NCK_COLOR=0
		if [ -t 1 ] && [ -t 2 ] && [ -z "${NO_COLOR+set}" ]; then
			NCK_COLOR=1
		fi
	fi
	export NCK_COLOR
	if [ "$NCK_COLOR" = 1 ]; then
		C_GREEN=$'\033[0;32m' C_BLUE=$'\033[0;34m' C_YELLOW=$'\033[1;33m'
		C_RED=$'\033[0;31m' C_OFF=$'\033[0m' C_STATUS=$'\033[0;36m'
	else
		C_GREEN='' C_BLUE='' C_YELLOW='' C_RED='' C_OFF='' C_STATUS=''
	fi
}

# ---- command line ---------------------------------------------------------------------------

# nck_help_common: the part of every usage text that is the same for every tool.
nck_help_common() {
	cat <<'EOF'
Options:
  -v        show the tools' own diagnostics (ncc:, ncl:, ncdec:) as well
  -h        show this help;  -V, --version  show the version

Environment (arguments win over it):
  HOST      where to connect (default localhost); for listeners, the address to
            listen on (default: every address)
  PORT      TCP port (default 12345; 0 lets a listener pick one and announce it)
  NCPASS    the password; when unset it is asked once on the terminal
  NCFORMAT  native (default: authenticated, Argon2id, one connection per session)
            or openssl (the tutorial's -aes-256-cbc -salt -base64 -pbkdf2 -iter
            10000 over one connection per message; then "sent" only means
            "received": that format cannot tell a wrong password)
  NCRETRY   connectors: seconds to keep retrying a refused connection (default 10)
  NCARGON2_TIME, NCARGON2_MEMORY
            native: Argon2id passes and MiB (default 2 and 64); both sides must
            use the same values, since receivers accept exactly these
  NO_COLOR  set to turn colours off (they are only ever used on a terminal)
EOF
}

# nck_args ROLE ARGS...: parse a tool's command line. ROLE says which operands it takes:
#   connect  [HOST [PORT]]               listen  [-l] [[ADDR] PORT]
#   chat     -l [[ADDR] PORT] | [HOST [PORT]]
#   send     FILE [HOST [PORT]]          receive [-f] [-s ADDR] [DIR|FILE] [PORT]
#                                        (or DIR|FILE ADDR PORT)
# Sets NCK_LISTEN, NCK_VERBOSE, NCK_FORCE, NCK_HOST, NCK_PORT, NCK_FILE. -h calls the tool's
# usage function. An operand made only of digits, last, is the port.
nck_args() {
	local role=$1 a ops=() i
	shift
	NCK_LISTEN=0 NCK_VERBOSE=0 NCK_FORCE=0 NCK_FILE='' NCK_ADDR=${HOST:-}
	[ "$role" = listen ] || [ "$role" = receive ] && NCK_LISTEN=1
	while [ $# -gt 0 ]; do
		a=$1
		shift
		case $a in
		-h | --help) usage; exit 0 ;;
		-V | --version)
			a=$(ncl --version 2>/dev/null) || a=unknown
			printf '%s (nckit) %s\n' "$NCK_PROG" "${a##* }"
			exit 0
			;;
		--) ops+=("$@"); break ;;
		-[!-]?*) # -lv: one flag at a time
			for ((i = ${#a} - 1; i >= 1; i--)); do set -- "-${a:i:1}" "$@"; done ;;
		-v) NCK_VERBOSE=1 ;;
		-l) [ "$role" = connect ] || [ "$role" = send ] && nck_usage_error "-l: this tool connects; its receiver listens"
			NCK_LISTEN=1 ;;
		-f) [ "$role" = receive ] || nck_usage_error "unknown option: -f"
			NCK_FORCE=1 ;;
		-s) [ "$role" = receive ] || nck_usage_error "unknown option: -s"
			[ $# -gt 0 ] || nck_usage_error "-s: missing ADDR"
			NCK_ADDR=$1 HOST=$1
			shift ;;
		-?*) nck_usage_error "unknown option: $a" ;;
		*) ops+=("$a") ;;
		esac
	done
	if [ "$role" = send ]; then
		[ ${#ops[@]} -gt 0 ] || nck_usage_error "missing FILE"
		NCK_FILE=${ops[0]}
		ops=("${ops[@]:1}")
	elif [ "$role" = receive ] && [ ${#ops[@]} -gt 0 ] && [[ ! ${ops[0]} =~ ^[0-9]+$ ]]; then
		NCK_FILE=${ops[0]} # [DIR|FILE] [PORT], or [DIR|FILE] ADDR PORT
		ops=("${ops[@]:1}")
		[ ${#ops[@]} -ne 1 ] || ops=("$NCK_ADDR" "${ops[0]}")
	elif [ "$role" = receive ] && [ ${#ops[@]} -eq 1 ]; then
		ops=("$NCK_ADDR" "${ops[0]}")
	fi
	NCK_HOST=${HOST:-} NCK_PORT=${PORT:-12345}
	case ${#ops[@]} in
	0) ;;
	1) if [ "$NCK_LISTEN" = 1 ] && [[ ${ops[0]} =~ ^[0-9]+[^0-9.:] ]]; then
		nck_usage_error "invalid port: ${ops[0]} (0 to 65535)"
	   elif [ "$NCK_LISTEN" = 1 ] && [[ ! ${ops[0]} =~ ^[0-9]+$ ]]; then NCK_HOST=${ops[0]}
	   elif [ "$NCK_LISTEN" = 1 ]; then NCK_PORT=${ops[0]}
	   else NCK_HOST=${ops[0]}; fi ;;
	2) NCK_HOST=${ops[0]} NCK_PORT=${ops[1]} ;;
	*) nck_usage_error "unexpected argument: ${ops[2]}" ;;
	esac
	if [[ ! $NCK_PORT =~ ^[0-9]{1,5}$ ]] || [ "$((10#$NCK_PORT))" -gt 65535 ]; then
		nck_usage_error "invalid port: $NCK_PORT (0 to 65535)"
	fi
	NCK_PORT=$((10#$NCK_PORT))
	if [ "$NCK_LISTEN" = 0 ]; then
		NCK_HOST=${NCK_HOST:-localhost}
		[ "$NCK_PORT" -ne 0 ] || nck_usage_error "invalid port: 0 (give the receiver's port)"
	fi
	nck_config
}

# nck_config: the environment shared by every tool. Sets NCK_FORMAT, NCK_RETRY_ARGS,
# NCK_ENC_ARGS (ncenc's format flags, password excluded) and NCK_DEC_ARGS (ncdec's: in the
# native format the exact Argon2id parameters the senders use, so a header asking for any
# other cost is refused before anything is derived).
nck_config() {
	local t=${NCARGON2_TIME:-2} m=${NCARGON2_MEMORY:-64} r=${NCRETRY:-10}
	[[ $r =~ ^[0-9]{1,6}$ ]] || nck_usage_error "invalid NCRETRY: $r (seconds)"
	NCK_RETRY_ARGS=()
	[ "$((10#$r))" -eq 0 ] || NCK_RETRY_ARGS=(--retry "$((10#$r))")
	NCK_FORMAT=${NCFORMAT:-native}
	case $NCK_FORMAT in
	native)
		[[ $t =~ ^[0-9]{1,4}$ ]] || nck_usage_error "invalid NCARGON2_TIME: $t"
		[[ $m =~ ^[0-9]{1,5}$ ]] || nck_usage_error "invalid NCARGON2_MEMORY: $m (MiB)"
		NCK_ENC_ARGS=(-argon2-time "$t" -argon2-memory "$m" -argon2-threads 1)
		NCK_DEC_ARGS=("${NCK_ENC_ARGS[@]}")
		;;
	openssl)
		# The tutorial's exact command line: real `openssl enc -d` with it reads our bytes.
		NCK_ENC_ARGS=(-aes-256-cbc -salt -base64 -pbkdf2 -iter 10000)
		NCK_DEC_ARGS=("${NCK_ENC_ARGS[@]}")
		;;
	*) nck_usage_error "invalid NCFORMAT: $NCK_FORMAT (native or openssl)" ;;
	esac
	export NCFORMAT=$NCK_FORMAT NCK_PROG
}

# nck_password: make sure NCPASS is set, non-empty and exported; when unset, ask once on the
# terminal, echo off (read is a builtin: the password is never an argument of a process).
# The tool's own INT, TERM and HUP traps are back afterwards: without a trap, a Ctrl+C that
# comes while bash waits for a command that then exits normally is dropped (bash takes it
# as handled by that command), and the tool would go on as if nothing was typed.
nck_password() {
	local stty='' traps
	if [ -z "${NCPASS+set}" ]; then
		{ : </dev/tty; } 2>/dev/null || nck_die "no password: set NCPASS or run on a terminal" 2
		traps=$(trap -p INT TERM HUP)
		stty=$(stty -g </dev/tty)
		trap 'stty "$stty" </dev/tty; exit 130' INT TERM HUP
		stty -echo </dev/tty
		printf 'enter the shared password: ' >/dev/tty
		IFS= read -r NCPASS </dev/tty || true
		printf '\n' >/dev/tty
		stty "$stty" </dev/tty
		trap - INT TERM HUP
		eval "$traps"
	fi
	[ -n "$NCPASS" ] || nck_die "empty password: set NCPASS or type one" 2
	export NCPASS
}

# ---- processes ------------------------------------------------------------------------------

# nck_tmpdir: a private directory for fifos and error files, removed on exit.
nck_tmpdir() {
	NCK_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nckit.XXXXXX") || nck_die "cannot create a temporary directory"
	NCK_TMP_OWNER=$BASHPID
	export NCK_TMP
	trap 'nck_cleanup' EXIT
}
# nck_cleanup: the EXIT trap, for the shell that made the directory only. A subshell that a
# signal hits just after its fork, before bash has reset the inherited traps, runs this trap
# too: it must not remove the directory (nor stop ncc and ncenc) under the running tool.
# A process being stopped may still write its last file there while rm runs, and the EXIT
# trap runs under set -e: its failure would become the tool's exit status.
nck_cleanup() {
	local p i
	[ "$BASHPID" = "${NCK_TMP_OWNER:-}" ] || return 0
	for p in ${NCK_PIDS-}; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
	for ((i = 0; i < 100; i++)); do
		! rm -rf "$NCK_TMP" 2>/dev/null || break
		sleep 0.01
	done
}

# nck_running PID: whether PID runs. A zombie does not (kill -0 still finds one): a process
# killed with -9 stays one until its parent, or the init process, reaps it, maybe late.
# (Explicit statuses: in a trap handler, such as chat.sh's ended, a bare `return` gives the
# status from before the trap.)
nck_running() {
	local stat
	if [ ! -r "/proc/$1/stat" ]; then
		if kill -0 "$1" 2>/dev/null; then return 0; fi
		return 1
	fi
	read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
	case ${stat##*) } in [ZX]*) return 1 ;; esac
	return 0
}

# nck_wait_gone PID...: wait until none of the PIDs runs, 5 s at most (they need not be
# children this shell can wait for).
nck_wait_gone() {
	local i p left
	for ((i = 0; i < 500; i++)); do
		left=
		for p in "$@"; do
			if nck_running "$p"; then left=1; fi
		done
		[ -n "$left" ] || return 0
		sleep 0.01
	done
}

# nck_nonce: 128 fresh random bits in hex.
nck_nonce() {
	local n
	n=$(od -An -N16 -tx1 /dev/urandom)
	n=${n//[ $'\n']/}
	printf '%s' "$n"
}

# nck_ack TOKEN N: the acknowledgement of message N of the session whose TOKEN it is.
nck_ack() {
	local h
	h=$(printf '%s %d' "$1" "$2" | sha256sum)
	printf '%s' "${h:0:32}"
}

# nck_listen_args: ncl's address operands.
nck_listen_args() {
	NCK_LISTEN_ARGS=()
	[ -z "$NCK_HOST" ] || NCK_LISTEN_ARGS+=("$NCK_HOST")
	NCK_LISTEN_ARGS+=("$NCK_PORT")
}

# nck_serve HANDLER_ARG ANNOUNCE [NCL_OPTIONS...]: run ncl -k --each, each connection handled
# by this tool again (NCK_SELF HANDLER_ARG), concurrently, up to 64 at a time. ncl's status
# lines go to ANNOUNCE ("listening on ADDR:PORT"); its other lines only with -v. Stops the
# whole group on Ctrl+C, TERM, HUP; returns ncl's status.
#
# Native sessions get no ncl --deadline (NCK_SESSION_LIMITS says why); the openssl format's
# one message per connection does (nck_chat_receiver).
#
# NCK_SESSION_LIMITS: a native session is one connection for as long as the people want it
# (a chat of hours, a transfer of many GiB), so no total deadline fits it. What frees the
# slot of a peer that is not a session is ncdec's and nck_accept's own limits: the nonce line
# within 10 s, the header within 10 s of ncdec's start (ncl --each sets NCL_PEER), each
# record within 10 s of its first byte. Without the password a peer gets no further than
# the header (it is authenticated), so only a holder of the password can keep a connection
# open between records, which a chat must allow.
nck_serve() {
	local arg=$1 announce=$2
	shift 2
	nck_listen_args
	NCK_TTY2=0
	[ ! -t 2 ] || NCK_TTY2=1
	export NCK_SELF NCK_HANDLER_ARG=$arg NCK_VERBOSE NCK_HOST NCK_PORT NCK_FORCE NCK_TTY2
	trap 'nck_stop "${NCK_STOP_RC:-0}"' INT TERM HUP
	# shellcheck disable=SC2016 # expanded by ncl's /bin/sh
	nck_ncl_start "$announce" -k --max 64 "$@" --each 'exec "$NCK_SELF" "$NCK_HANDLER_ARG"' \
		"${NCK_LISTEN_ARGS[@]}"
	wait "$NCK_CHILD"
}

# nck_stop_ncl: stop the listener (NCK_CHILD's group) once it has closed the connections it
# serves. A signal makes ncl reset those it still has, so that a cut transfer fails on the
# other side too; a session that has just ended well, whose last bytes or FIN ncl is still
# sending, would be reported broken there. At most 5 s, for connections that are not ending
# (a second sender, an idle probe: ncdec frees those within its own 10 s).
nck_stop_ncl() {
	local i
	for ((i = 0; i < 500; i++)); do
		# ncl's sockets: its listener, and one per connection
		[ "$(find "/proc/$NCK_CHILD/fd" -lname 'socket:*' 2>/dev/null | wc -l)" -gt 1 ] || break
		sleep 0.01
	done
	kill -TERM -- "-$NCK_CHILD" 2>/dev/null || true
}

nck_stop() {
	if [ -n "${NCK_CHILD:-}" ]; then
		kill -TERM -- "-$NCK_CHILD" 2>/dev/null || true
		wait "$NCK_CHILD" 2>/dev/null || true
	fi
	[ -z "${NCK_STOP_MSG:-}" ] || { nck_newline; nck_say "$NCK_STOP_MSG"; }
	[ -z "${NCK_ON_STOP:-}" ] || "$NCK_ON_STOP"
	exit "$1"
}

# nck_ncl_start ANNOUNCE NCL_ARGS...: start ncl -vn NCL_ARGS in the background (its own process
# group, NCK_CHILD) and return once it listens; when it cannot (port taken, invalid address),
# its own reason in one line and exit with its status.
nck_ncl_start() {
	local announce=$1 ready st rc=0
	shift
	mkfifo "$NCK_TMP/ready"
	exec {ready}<>"$NCK_TMP/ready"
	set -m
	# NCK_NCL_CLOSE: the tool's fds that ncl (and its handlers) must not hold
	(for fd in ${NCK_NCL_CLOSE:-}; do eval "exec $fd>&-"; done
		exec ncl -vn "$@" </dev/null {ready}>&-) 2> >(nck_ncl_status "$announce" "$ready") &
	NCK_CHILD=$!
	set +m
	NCK_PIDS="${NCK_PIDS:-} $NCK_CHILD"
	IFS= read -r st <&"$ready" || true
	exec {ready}>&-
	if [ "$st" != ok ]; then
		wait "$NCK_CHILD" || rc=$?
		exit "$(((rc == 0) + rc))"
	fi
}

# nck_ncl_status CALLBACK READY_FD: ncl -v's stderr: "Listening on" goes to CALLBACK as
# HOST:PORT and "ok" to READY_FD; ncl's lines before it (why it could not listen) are said,
# then "fail" goes to READY_FD. Afterwards ncl's notes on each connection only with -v, but
# the rate limit's warning.
nck_ncl_status() {
	local cb=$1 ready=$2 line said=
	while IFS= read -r line; do
		case $line in
		'Listening on '*) # nc's words: "Listening on HOST PORT"
			local hp=${line#Listening on } host
			host=${hp% *}
			case $host in *:*) host="[$host]" ;; esac
			"$cb" "$host:${hp##* }"
			[ -z "$ready" ] || echo ok >&"$ready"
			ready=
			;;
		*'slowing down'*) nck_say "someone is guessing passwords: ${line#ncl: }" ;;
		'ncl: '* | 'Connection received on '*)
			if [ -n "$ready" ] && [ -z "$said" ]; then
				case $line in
				'ncl: try '*) continue ;;
				'ncl: listen on '*) line="cannot ${line#ncl: }" ;;
				*'is not numeric'*) line="invalid address ${NCK_HOST:-}: give a numeric one (or none: every address)" ;;
				*) line=${line#ncl: } ;;
				esac
				said=1
				printf '%s%s: %s%s\n' "${C_RED-}" "$NCK_PROG" "$line" "${C_OFF-}" >&2
			elif [ "$NCK_VERBOSE" = 1 ]; then
				printf '%s\n' "$line" >&2
			fi ;;
		*) printf '%s\n' "$line" >&2 ;; # the handlers' own lines
		esac
	done
	[ -z "$ready" ] || echo fail >&"$ready"
}

# ---- native sessions: the connecting side ---------------------------------------------------

# nck_connect KIND: open a session to NCK_HOST:NCK_PORT. Afterwards NCK_W writes the session's
# plaintext (into ncenc, into ncc), NCK_DOWN reads what the listener sends back (after its
# hello), NCK_TOKEN is the session's token, NCK_ENC_PID ncenc's pid. Dies with one human line
# when nobody listens, the listener is busy or is not an nckit listener.
nck_connect() {
	local kind=$1 hello cn ln
	NCK_HOSTPORT="$NCK_HOST:$NCK_PORT"
	mkfifo "$NCK_TMP/up"
	exec {NCK_UP}<>"$NCK_TMP/up"
	# ncc gets a session of its own: a Ctrl+C on the terminal is ours to handle (say goodbye).
	exec {NCK_DOWN}< <(exec setsid ncc -N "${NCK_RETRY_ARGS[@]}" "$NCK_HOST" "$NCK_PORT" \
		<"$NCK_TMP/up" {NCK_UP}>&- 2>"$NCK_TMP/ncc.err")
	NCK_NCC_PID=$!
	NCK_PIDS="$NCK_NCC_PID"
	if ! IFS= read -r -t 60 -u "$NCK_DOWN" hello; then
		nck_explain_ncc
		nck_die "no answer from $NCK_HOSTPORT: is an nckit receiver listening there, in the same NCFORMAT?"
	fi
	case $hello in
	nckit-busy) nck_die "$NCK_HOSTPORT is busy: someone else is connected; try again later" ;;
	'nckit-chat1 '[0-9a-f]*) ln=${hello#nckit-chat1 } ;;
	*) nck_die "$NCK_HOSTPORT is not an nckit receiver in the native format (is it NCFORMAT=openssl?)" ;;
	esac
	[[ $ln =~ ^[0-9a-f]{32}$ ]] || nck_die "$NCK_HOSTPORT is not an nckit receiver"
	cn=$(nck_nonce)
	NCK_TOKEN=$(nck_nonce)
	printf 'nckit-chat1 %s\n' "$cn" >&"$NCK_UP"
	NCK_LABEL_UP="nckit-chat1 $kind c2l $ln $cn"
	NCK_LABEL_DOWN="nckit-chat1 $kind l2c $ln $cn"
	# ncenc opens the fifo write-only (ncc has it open to read): once ncc is gone its writes
	# fail (EPIPE) instead of filling a fifo that this shell's read-write end keeps open.
	exec {NCK_W}> >(exec setsid ncenc "${NCK_ENC_ARGS[@]}" -label "$NCK_LABEL_UP" \
		>"$NCK_TMP/up" {NCK_UP}>&- {NCK_DOWN}<&- 2>"$NCK_TMP/enc.err")
	NCK_ENC_PID=$!
	NCK_PIDS="$NCK_PIDS $NCK_ENC_PID"
	exec {NCK_UP}>&-
	printf 'nckit-hello %s\n' "$NCK_TOKEN" >&"$NCK_W"
}

# nck_explain_ncc: ncc's failure in words (for when the connection ended or never was).
nck_explain_ncc() {
	local err
	wait "$NCK_NCC_PID" 2>/dev/null || true
	nck_verbose "$NCK_TMP/ncc.err"
	err=$(cat "$NCK_TMP/ncc.err" 2>/dev/null) || true
	case $err in
	*refused*) nck_die "nobody is listening on $NCK_HOSTPORT: start the receiver first" ;;
	*'unknown host'* | *'no such host'* | *'lookup'*) nck_die "unknown host $NCK_HOST" ;;
	*'timed out'* | *timeout* | *unreachable*) nck_die "cannot reach $NCK_HOSTPORT: check the address and the network" ;;
	esac
}

# nck_reply_error LINE: the listener's "nckit-error WHY" in words, and exit 1.
nck_reply_error() {
	case $1 in
	'nckit-error wrong-password') nck_die "wrong password (the other side uses a different one)" ;;
	'nckit-error disk-full') nck_die "disk full on the receiving side" ;;
	'nckit-error exists '*) nck_die "the receiver already has ${1#nckit-error exists }: it must use -f to replace it" ;;
	'nckit-error unwritable '*) nck_die "the receiver cannot write ${1#nckit-error unwritable }" ;;
	'nckit-error bad-name') nck_die "the receiver refused the file name" ;;
	'nckit-error busy') nck_die "$NCK_HOSTPORT is busy: someone else is connected; try again later" ;;
	'nckit-error '*) nck_die "the receiver failed: ${1#nckit-error }" ;;
	esac
}

# nck_lost: the connection ended before the session did: say why.
nck_lost() {
	nck_explain_ncc
	nck_die "the other side left (the connection to $NCK_HOSTPORT broke)"
}

# ---- native sessions: the listening side (run as ncl --each handlers) -----------------------

# nck_accept KIND: greet the connector (stdin: its data, fd 3: the reply channel) and read its
# nonce. Sets NCK_LABEL_UP, NCK_LABEL_DOWN. Returns 1 (nothing to do) for a peer that is not
# an nckit connector and sent nothing, 2 for an openssl-format message, 3 for anything else.
nck_accept() {
	local kind=$1 ln hello cn
	ln=$(nck_nonce)
	printf 'nckit-chat1 %s\n' "$ln" >&3 2>/dev/null || return 1
	IFS= read -r -t 10 -n 80 hello || return 1
	case $hello in U2FsdGVk* | Salted__*) return 2 ;; esac
	cn=${hello#nckit-chat1 }
	[[ $cn =~ ^[0-9a-f]{32}$ ]] || return "$((3 - 2 * (${#hello} == 0)))" # 3: something else
	NCK_LABEL_UP="nckit-chat1 $kind c2l $ln $cn"
	NCK_LABEL_DOWN="nckit-chat1 $kind l2c $ln $cn"
}

# nck_decrypt_up: the connector's plaintext, decrypted and authenticated as it arrives;
# ncdec's status and error line land in $NCK_TMP/dec.PID.{rc,err}.
nck_decrypt_up() {
	local rc=0
	ncdec "${NCK_DEC_ARGS[@]}" -label "$NCK_LABEL_UP" 2>"$NCK_TMP/dec.$$.err" || rc=$?
	nck_put_rc "$rc"
}

# nck_put_rc STATUS: record ncdec's STATUS for nck_dec_status, the file whole at once
# (written aside, then renamed). Under set -e, a failing ncdec must be caught (`|| rc=$?`):
# in `ncdec; echo $?` it would end the subshell before the echo.
nck_put_rc() {
	echo "$1" >"$NCK_TMP/dec.$$.rc.tmp"
	mv -f "$NCK_TMP/dec.$$.rc.tmp" "$NCK_TMP/dec.$$.rc"
}

# nck_dec_status: ncdec's exit status from the last nck_decrypt_up (3: authentication).
# The caller has seen ncdec's output end and waited for the subshell that records the
# status; bash before 5.1 can wait only for the last process substitution, so the file is
# also waited for here (5 s at most: it is written right after ncdec exits).
nck_dec_status() {
	local rc=1 i
	for ((i = 0; i < 500; i++)); do
		[ ! -e "$NCK_TMP/dec.$$.rc" ] || break
		sleep 0.01
	done
	read -r rc 2>/dev/null <"$NCK_TMP/dec.$$.rc" || true
	nck_verbose "$NCK_TMP/dec.$$.err"
	if [ "$rc" = 1 ] && grep -q 'wrong password' "$NCK_TMP/dec.$$.err" 2>/dev/null; then
		rc=3 # an ncdec from before exit status 3
	fi
	printf '%s' "$rc"
}

# nck_receive_lines SHOW: a secure chat session on the listening side: each message, as it
# authenticates, goes to SHOW TEXT (already sanitized) and is acknowledged on fd 3. Returns
# ncdec's status (3 = wrong password: the connector is told so).
nck_receive_lines() {
	local show=$1 line token='' n=0 rc=0
	nck_accept chat || rc=$?
	case $rc in
	0) ;;
	2) "$show" '' refused; return 0 ;;
	3) "$show" '' garbage; return 0 ;;
	*) return 0 ;;
	esac
	while IFS= read -r line; do
		if [ -z "$token" ]; then
			token=${line#nckit-hello }
			[[ $token =~ ^[0-9a-f]{32}$ ]] || break
			"$show" '' hello
			continue
		fi
		[ "${line:0:2}" = 'm ' ] || continue
		"$show" "${line:2}" message
		n=$((n + 1))
		printf 'ok %s\n' "$(nck_ack "$token" "$n")" >&3 2>/dev/null || true
	done < <(nck_decrypt_up | nck_sanitize)
	wait "$!" 2>/dev/null || true
	rc=$(nck_dec_status)
	if [ "$rc" = 3 ] && [ -z "$token" ]; then
		printf 'nckit-error wrong-password\n' >&3 2>/dev/null || true
		"$show" '' wrong-password
	elif [ -z "$token" ] && [ "$rc" != 0 ]; then
		"$show" '' garbage
	elif [ -n "$token" ]; then
		"$show" "$rc" end
	fi
	return "$rc"
}

# nck_handler_init: the start of every ncl --each handler: colours as decided by the tool;
# on a terminal, stderr is the tool's own (ncl's is filtered line by line, which would hold
# a progress line back).
nck_handler_init() {
	[ "${NCK_TTY2:-0}" != 1 ] || exec 2>"/proc/$NCK_MAIN/fd/2"
	nck_colors
	nck_config
}

# ---- the secure chat (secure_sender*.sh, secure_receiver*.sh) -------------------------------

# nck_chat_send TEXT: deliver one message; 0 once the receiver has it (native: decrypted and
# authenticated; openssl: received), else one line saying why and 1. Sets NCK_CIPHER (the
# openssl format's ciphertext, for a preview) before delivering, via the ON_CIPHER hook.
nck_chat_send() {
	local reply err
	if [ "$NCK_FORMAT" = openssl ]; then
		NCK_CIPHER=$(printf '%s\n' "$1" | ncenc "${NCK_ENC_ARGS[@]}")
		"${NCK_ON_CIPHER:-:}"
		if err=$(printf '%s\n' "$NCK_CIPHER" | ncc -N "${NCK_RETRY_ARGS[@]}" "$NCK_HOST" "$NCK_PORT" \
			2>&1 >/dev/null); then
			return 0
		fi
		[ "$NCK_VERBOSE" != 1 ] || printf '%s\n' "$err" >&2
		case $err in
		*refused*) nck_say "not sent: nobody is listening on $NCK_HOST:$NCK_PORT: start the receiver first" ;;
		*'unknown host'*) nck_die "unknown host $NCK_HOST" ;;
		*) nck_say "not sent: the receiver did not take it (${err##*: })" ;;
		esac
		return 1
	fi
	NCK_N=$((${NCK_N:-0} + 1))
	{ printf 'm %s\n' "$1" >&"$NCK_W"; } 2>/dev/null || nck_lost
	while IFS= read -r -u "$NCK_DOWN" reply; do
		case $reply in
		"ok $(nck_ack "$NCK_TOKEN" "$NCK_N")") return 0 ;;
		nckit-error*) nck_reply_error "$reply" ;;
		esac
	done
	nck_lost
}

# nck_chat_sender PROMPT_HOOK SENT_HOOK STAMP: the sender's loop for v1 and v2: each line of
# stdin (stamped "[HH:MM:SS] " when it was read, with STAMP=1; empty lines skipped then) is
# delivered, then SENT_HOOK runs. Ctrl+D or Ctrl+C ends the session cleanly. Exit status 0
# when every message was delivered.
nck_chat_sender() {
	local prompt=$1 sent=$2 stamp=$3 line failed=0 total=0
	nck_tmpdir
	if [ "$NCK_FORMAT" = native ]; then
		nck_say "waiting for $NCK_HOST:$NCK_PORT"
		nck_connect chat
		nck_say "connected to $NCK_HOST:$NCK_PORT"
	fi
	trap 'nck_newline; nck_chat_end "$failed" "$total"' INT TERM HUP
	while :; do
		[ ! -t 0 ] || "$prompt"
		IFS= read -r line || [ -n "$line" ] || break
		if [ "$stamp" = 1 ]; then
			[ -n "$line" ] || continue
			printf -v line '[%(%H:%M:%S)T] %s' -1 "$line"
		fi
		total=$((total + 1))
		if nck_chat_send "$line"; then
			"$sent"
		else
			failed=$((failed + 1))
		fi
	done
	nck_chat_end "$failed" "$total"
}

# nck_chat_end FAILED TOTAL: end the session (native: the stream's authenticated end, then
# the receiver closes) and exit with the verdict.
nck_chat_end() {
	trap - INT TERM HUP
	if [ "$NCK_FORMAT" = native ] && [ -n "${NCK_W:-}" ]; then
		exec {NCK_W}>&-
		wait "$NCK_ENC_PID" 2>/dev/null || true
		while IFS= read -r -t 10 -u "$NCK_DOWN" _; do :; done
		nck_say "session ended"
	fi
	if [ "$1" -gt 0 ]; then
		nck_die "$1 of $2 messages not delivered"
	fi
	exit 0
}

# nck_chat_handler SHOW: one connection to a secure receiver: SHOW TEXT KIND for each event
# (KIND: hello, message, wrong-password, refused, garbage, failed, end). Exits with the status ncl's
# policy wants: 3 after a wrong password (counted by its rate limit), 4 after an openssl
# message that failed to decrypt (a clean close: the sender learns nothing), 0 when done.
nck_chat_handler() {
	local show=$1 rc line first=
	nck_handler_init
	if [ "$NCK_FORMAT" = native ]; then
		rc=0
		nck_receive_lines "$show" || rc=$?
		exit "$rc"
	fi
	# The openssl format: one message per connection, the tutorial's wire protocol.
	IFS= read -r -t 30 -n 4096 first || [ -n "$first" ] || exit 0 # a probe: nothing to show
	NCK_CIPHER=$first
	"$show" "" cipher
	while IFS= read -r line; do
		"$show" "$line" message
	done < <(set +e; { printf '%s\n' "$first"; exec cat; } | ncdec "${NCK_DEC_ARGS[@]}" \
		2>"$NCK_TMP/dec.$$.err" | nck_sanitize; nck_put_rc "${PIPESTATUS[1]}")
	wait "$!" 2>/dev/null || true
	rc=$(nck_dec_status)
	rm -f "$NCK_TMP/dec.$$".*
	# Read to the end on both paths, with the same commands, so that neither how nor when
	# the connection ends tells the sender whether its message decrypted.
	cat >/dev/null
	if [ "$rc" != 0 ]; then
		"$show" "" failed
		exit 4
	fi
	exit 0
}

# nck_chat_receiver SHOW ANNOUNCE: the receiver's main: serve sessions (native) or messages
# (openssl) until Ctrl+C.
nck_chat_receiver() {
	nck_tmpdir
	NCK_MAIN=$$
	export NCK_MAIN
	if [ "$NCK_FORMAT" = openssl ]; then
		nck_serve --nck-handler "$2" --deadline 60 # one message, nothing authenticated first
	else
		nck_serve --nck-handler "$2" # no --deadline: see NCK_SESSION_LIMITS
	fi
}

# ---- file transfer: sizes and progress ------------------------------------------------------

# nck_human BYTES: "512 B", "1.5 KiB", "200 MiB".
nck_human() {
	local n=$1 u=(B KiB MiB GiB TiB) i=0 d=0
	while [ "$n" -ge 1024 ] && [ "$i" -lt 4 ]; do
		d=$(((n % 1024) * 10 / 1024))
		n=$((n / 1024)) i=$((i + 1))
	done
	if [ "$i" -eq 0 ] || [ "$n" -ge 100 ]; then printf '%d %s' "$n" "${u[i]}"; else printf '%d.%d %s' "$n" "$d" "${u[i]}"; fi
}

# nck_rate BYTES MICROSECONDS: "87.0 MiB/s".
nck_rate() {
	local us=$2
	[ "$us" -gt 0 ] || us=1
	printf '%s/s' "$(nck_human "$(($1 * 1000000 / us))")"
}

# nck_meter PHASE TOTAL PID [FILE]: while PID runs, a progress line on stderr (a terminal
# only): bytes PID has read (/proc/PID/io), or FILE's size when given; percent and ETA when
# TOTAL is known (non-zero). Run in the background; killed when the phase ends.
nck_meter() {
	local phase=$1 total=$2 pid=$3 file=${4:-} start=${EPOCHREALTIME/./} now done=0 line pct eta
	[ -t 2 ] || return 0
	trap 'printf "\r\033[K" >&2; exit 0' TERM
	while kill -0 "$pid" 2>/dev/null; do
		if [ -n "$file" ]; then
			done=$(stat -c %s -- "$file" 2>/dev/null) || done=0
		else
			while read -r line; do
				case $line in rchar:*) done=${line#rchar: } ;; esac
			done <"/proc/$pid/io" 2>/dev/null || true
		fi
		now=$((${EPOCHREALTIME/./} - start))
		line="$phase $(nck_human "$done")"
		if [ "$total" -gt 0 ]; then
			[ "$done" -le "$total" ] || done=$total
			pct=$((done * 100 / total))
			eta=
			[ "$done" -eq 0 ] || eta=" ETA $(((total - done) * now / done / 1000000))s"
			line="$line / $(nck_human "$total") $pct%"
		fi
		printf '\r\033[K  %s  %s%s' "$line" "$(nck_rate "$done" "$now")" "${eta:-}" >&2
		sleep 0.2
	done
	printf '\r\033[K' >&2
}

# nck_with_meter PHASE TOTAL [FILE] -- CMD...: run CMD with a meter on it; CMD's status.
nck_with_meter() {
	local phase=$1 total=$2 file=$3 rc=0 m
	shift 4
	if [ ! -t 2 ]; then # no meter to show: no process to start and stop
		("$@") || rc=$? # a subshell: CMD may exec
		return "$rc"
	fi
	"$@" <&0 & # an explicit stdin: a background job's would be /dev/null
	local pid=$!
	nck_meter "$phase" "$total" "$pid" "$file" &
	m=$!
	wait "$pid" || rc=$?
	kill -TERM "$m" 2>/dev/null || true
	wait "$m" 2>/dev/null || true
	return "$rc"
}

# nck_bad_name NAME: whether NAME may not be used as a file name from the network.
nck_bad_name() {
	case $1 in
	'' | . | .. | */* | *..*) return 0 ;;
	esac
	[[ $1 =~ [[:cntrl:]] ]] && return 0
	local LC_ALL=C
	[[ $1 =~ $'\xc2'[$'\x80'-$'\x9f'] ]]
}
