#!/usr/bin/env bash
# tests/demo.sh: what `make demo` runs (after `make build`): the tutorial's whole journey, on
# localhost, with nckit. A plain chat and a binary file transfer through ncl and ncc, then
# secure messages through the secure chat scripts and an encrypted file transfer, each
# checked. Every step is printed; every background process is stopped on exit; the exit
# status is 0 only if every step passed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/bin:$root/scripts:$PATH"
for tool in ncl ncc ncenc ncdec; do
	command -v "$tool" >/dev/null || {
		echo "demo: $tool not found: run make build" >&2
		exit 1
	}
done

work=$(mktemp -d "${TMPDIR:-/tmp}/nckit-demo.XXXXXX")
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step=0
step() {
	step=$((step + 1))
	printf '\n\033[1m== %d. %s\033[0m\n' "$step" "$*"
}
say() { printf '   %s\n' "$*"; }
ok() { printf '   \033[32mok\033[0m: %s\n' "$*"; }
fail() {
	printf 'demo: step %d failed: %s\n' "$step" "$*" >&2
	exit 1
}
if [ ! -t 1 ] || [ -n "${NO_COLOR+set}" ]; then
	step() {
		step=$((step + 1))
		printf '\n== %d. %s\n' "$step" "$*"
	}
	ok() { printf '   ok: %s\n' "$*"; }
fi
indent() { sed 's/^/   | /' "$@"; }

# start CMD...: run CMD in the background in its own process group (stopped on exit).
start() {
	set -m
	"$@" &
	pids+=("$!")
	set +m
}

# wait_for FILE REGEX: retry until FILE has a line matching REGEX (10 s at most).
wait_for() {
	local i
	for ((i = 0; i < 500; i++)); do
		if [ -f "$1" ] && grep -Eq -- "$2" "$1"; then
			return 0
		fi
		sleep 0.02
	done
	fail "timed out waiting for /$2/ in $(basename "$1")"
}

# port_of FILE: the port of the first "listening on ADDR:PORT" (the scripts) or "Listening
# on HOST PORT" (ncl -v, as nc -v says it) line in FILE.
port_of() {
	wait_for "$1" '[Ll]istening on '
	grep -m1 -E '[Ll]istening on ' "$1" | sed -E 's/.*[: ]([0-9]+)[^0-9]*$/\1/'
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# Every secure step uses a fresh random password, from the environment only.
NCPASS=$(head -c 18 /dev/urandom | base64)
export NCPASS HOST=127.0.0.1 NCRETRY=5
printf 'nckit demo: everything on 127.0.0.1, free ports picked by the kernel (port 0)\n'

# ---------------------------------------------------------------------------------------------
step "Plain chat: ncl listens, ncc connects (nc -l PORT / nc localhost PORT)"
mkfifo "$work/l.in" "$work/c.in"
exec 7<>"$work/l.in" 8<>"$work/c.in"
start ncl -v 127.0.0.1 0 <"$work/l.in" >"$work/l.out" 2>"$work/l.err" 7>&- 8>&-
port=$(port_of "$work/l.err")
say "ncl -v 127.0.0.1 0 announced port $port"
start ncc -N 127.0.0.1 "$port" <"$work/c.in" >"$work/c.out" 7>&- 8>&-
printf 'hello from the listener\n' >&7
wait_for "$work/c.out" '^hello from the listener$'
printf 'hi, the connector here\n' >&8
wait_for "$work/l.out" '^hi, the connector here$'
say "listener's screen:"
indent "$work/l.out"
say "connector's screen:"
indent "$work/c.out"
exec 8>&- 7>&-
ok "both lines crossed the connection"

# ---------------------------------------------------------------------------------------------
step "Binary file transfer: ncl PORT > FILE, ncc -N HOST PORT < FILE"
head -c 4M /dev/urandom >"$work/random.bin"
start ncl -v 127.0.0.1 0 </dev/null >"$work/received.bin" 2>"$work/ft.err"
listener=${pids[-1]}
port=$(port_of "$work/ft.err")
ncc -N 127.0.0.1 "$port" <"$work/random.bin" || fail "ncc could not deliver the file"
wait "$listener" || fail "ncl failed"
say "sent:     $(sha "$work/random.bin")  random.bin (4 MiB)"
say "received: $(sha "$work/received.bin")  received.bin"
[ "$(sha "$work/random.bin")" = "$(sha "$work/received.bin")" ] || fail "checksums differ"
ok "sha256 identical; ncc -N returned only after the listener had everything"

# ---------------------------------------------------------------------------------------------
step "Secure chat v2, native format: secure_receiver_v2.sh and secure_sender_v2.sh"
start env PORT=0 secure_receiver_v2.sh >"$work/v2.out" 2>"$work/v2.err"
port=$(port_of "$work/v2.out")
printf 'Hello, this is secret\nSecond message\n' |
	PORT=$port secure_sender_v2.sh >"$work/v2s.out" 2>&1 || fail "the v2 sender reported a failure"
wait_for "$work/v2.out" 'Decrypted message: .*Second message$'
printf 'a message under another password\n' |
	NCPASS=not-the-password PORT=$port secure_sender_v2.sh >"$work/v2bad.out" 2>&1 &&
	fail "a message under the wrong password was reported as delivered"
wait_for "$work/v2.out" 'Error: .*different password'
say "sender's screen:"
indent "$work/v2s.out"
say "sender's screen, wrong password:"
grep -E 'wrong password' "$work/v2bad.out" | indent
say "receiver's screen:"
indent "$work/v2.out"
ok "two messages decrypted; the wrong-password one was reported on both sides"

# ---------------------------------------------------------------------------------------------
step "Secure chat v1, the tutorial's openssl format: secure_receiver.sh and secure_sender.sh"
start env PORT=0 NCFORMAT=openssl secure_receiver.sh >"$work/v1.out" 2>"$work/v1.err"
port=$(port_of "$work/v1.err")
for i in 1 2 3; do printf 'burst message %d\n' "$i"; done |
	PORT=$port NCFORMAT=openssl secure_sender.sh 2>/dev/null || fail "the v1 sender reported a failure"
wait_for "$work/v1.out" '^burst message 3$'
say "receiver's stdout:"
indent "$work/v1.out"
if command -v openssl >/dev/null; then
	msg=$(printf 'read by real openssl\n' | ncenc -aes-256-cbc -salt -base64 -pbkdf2 -iter 10000)
	out=$(printf '%s\n' "$msg" | openssl enc -d -aes-256-cbc -salt -base64 -pbkdf2 -iter 10000 -pass env:NCPASS)
	[ "$out" = 'read by real openssl' ] || fail "openssl could not read ncenc's message"
	say "real openssl decrypts the same bytes: \"$out\""
fi
ok "three messages, in order; same wire format as the tutorial's openssl+nc scripts"

# ---------------------------------------------------------------------------------------------
step "Encrypted file transfer: receive_file.sh and send_file.sh"
head -c 8M /dev/urandom >"$work/secret.bin"
start env PORT=0 receive_file.sh "$work/secret.copy" >/dev/null 2>"$work/rf.err"
receiver=${pids[-1]}
port=$(port_of "$work/rf.err")
PORT=$port send_file.sh "$work/secret.bin" 2>"$work/sf.err" || fail "send_file.sh failed"
wait "$receiver" || fail "receive_file.sh rejected the transfer"
sed "s|$work/||g" "$work/sf.err" "$work/rf.err" | indent
say "sent:     $(sha "$work/secret.bin")  secret.bin (8 MiB)"
say "received: $(sha "$work/secret.copy")  secret.copy"
[ "$(sha "$work/secret.bin")" = "$(sha "$work/secret.copy")" ] || fail "checksums differ"
ok "sha256 identical; the file was written only after it was authenticated and checked"

printf '\nnckit demo: all %d steps passed\n' "$step"
printf '\nTo use the tools from any directory in this shell, put bin/ and scripts/ on PATH:\n'
# shellcheck disable=SC2016 # $PATH and $HOME are for the reader to type
printf '  export PATH="%s/bin:%s/scripts:$PATH"\n' "$root" "$root"
printf 'or install them: make install PREFIX=%s/.local\n' "$HOME"
