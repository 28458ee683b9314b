#!/usr/bin/env bats
# The secure chat scripts, v1 and v2: round trips in both formats, delivery reporting,
# decryption failures, the v2 look (preview, colours only on a terminal), configuration errors.

setup() {
	load common
	scripts_setup
}
teardown() { common_teardown; }

ALL_SCRIPTS=(secure_sender.sh secure_receiver.sh secure_sender_v2.sh secure_receiver_v2.sh
	send_file.sh receive_file.sh chat.sh)

@test "every script: -h prints its usage and the configuration on stdout, exit 0" {
	local s
	for s in "${ALL_SCRIPTS[@]}"; do
		run -0 --separate-stderr "$s" -h
		assert_line --partial "Usage: $s"
		assert_line --partial 'NCFORMAT'
		assert_line --partial 'NCPASS'
		[ -z "$stderr" ]
	done
}

@test "every script: executable, bash, set -euo pipefail" {
	local s
	for s in "${ALL_SCRIPTS[@]}"; do
		[ -x "$NCKIT_ROOT/scripts/$s" ]
		run -0 head -n 1 "$NCKIT_ROOT/scripts/$s"
		assert_output '#!/usr/bin/env bash'
		run -0 grep -c '^set -euo pipefail$' "$NCKIT_ROOT/scripts/$s"
	done
}

@test "bad configuration: usage errors with exit 2 and one line naming the problem" {
	run -2 --separate-stderr env PORT=99999 secure_sender.sh </dev/null
	[[ $stderr == *"secure_sender.sh: invalid PORT: 99999"* ]]
	run -2 --separate-stderr env PORT=abc secure_receiver.sh
	[[ $stderr == *"secure_receiver.sh: invalid PORT: abc"* ]]
	run -2 --separate-stderr env NCFORMAT=des secure_sender_v2.sh </dev/null
	[[ $stderr == *"secure_sender_v2.sh: invalid NCFORMAT: des (native or openssl)"* ]]
	run -2 --separate-stderr secure_receiver_v2.sh extra
	[[ $stderr == *"secure_receiver_v2.sh: unexpected argument: extra"* ]]
	run -2 --separate-stderr send_file.sh
	[[ $stderr == *"send_file.sh: missing FILE"* ]]
}

@test "no password and no terminal: a clear error, never a hang" {
	unset NCPASS
	run -2 --separate-stderr timeout 10 setsid -w secure_sender.sh </dev/null
	[ "$stderr" = "secure_sender.sh: no password: set NCPASS or run on a terminal" ]
	run -2 --separate-stderr timeout 10 setsid -w secure_receiver_v2.sh
	[ "$stderr" = "secure_receiver_v2.sh: no password: set NCPASS or run on a terminal" ]
}

@test "v1 native: each line arrives exactly, in order; the sender exits 0" {
	start_receiver secure_receiver.sh
	printf '%s\n' 'hello' '  leading and trailing spaces  ' 'back\slash and $dollar' 'héllo wörld ✓' '' 'last' >"$T/msgs"
	PORT=$RPORT run -0 timeout 60 secure_sender.sh <"$T/msgs"
	wait_for_match "$T/out" '^last$'
	run -0 cat "$T/out"
	assert_output "$(cat "$T/msgs")"
}

@test "v1 openssl format: round trip, and a last line without a newline is still sent" {
	export NCFORMAT=openssl
	start_receiver secure_receiver.sh
	PORT=$RPORT run -0 timeout 60 secure_sender.sh < <(printf 'one\ntwo')
	wait_for_match "$T/out" '^two$'
	run -0 cat "$T/out"
	assert_output $'one\ntwo'
}

@test "v1 sender: a message nobody received is reported and the exit status is 1" {
	FREE_PORT=$(free_port)
	run -1 --separate-stderr env PORT="$FREE_PORT" timeout 30 secure_sender.sh <<<'lost'
	[[ $stderr == *"secure_sender.sh: message 1 not delivered"* ]]
	[[ $stderr == *"secure_sender.sh: 1 of 1 messages not delivered"* ]]
}

@test "v1 receiver: a wrong password is reported on stderr, the sender learns it, and the receiver goes on" {
	start_receiver secure_receiver.sh
	NCPASS=wrong PORT=$RPORT run -1 --separate-stderr timeout 60 secure_sender.sh <<<'secret'
	[[ $stderr == *"not delivered"* ]]
	wait_for_match "$T/err" 'ncdec: wrong password'
	PORT=$RPORT run -0 timeout 60 secure_sender.sh <<<'after'
	wait_for_match "$T/out" '^after$'
	run -0 cat "$T/out"
	assert_output 'after'
}

@test "native receiver refuses an openssl (unauthenticated) message with a clear line" {
	start_receiver secure_receiver.sh
	NCFORMAT=openssl PORT=$RPORT run -1 timeout 60 secure_sender.sh <<<'downgrade'
	wait_for_match "$T/err" 'refusing a message in the openssl format'
	run -0 cat "$T/out"
	assert_output ''
}

# The openssl format is unauthenticated: in the native format no openssl message may be
# printed, wherever it comes on a connection (the receivers' look at the first bytes sees
# neither case below; ncdec -native does).
@test "native receivers: an openssl message behind a blank line or after a native one is refused (no downgrade)" {
	echo forged | openssl enc -aes-256-cbc -salt -base64 -pbkdf2 -iter 10000 -pass env:NCPASS >"$T/o1.txt"
	echo authentic | ncenc -a -argon2-time 1 -argon2-memory 8 >"$T/native.txt"
	local refused='ncdec: refusing an openssl-format message (unauthenticated) with -native'
	# the per-connection entry points, as ncl runs them
	run -1 --separate-stderr secure_receiver.sh --each-message < <(printf '\n'; cat "$T/o1.txt")
	assert_output ''
	[ "$stderr" = "$refused" ]
	run -1 --separate-stderr secure_receiver.sh --each-message < <(cat "$T/native.txt" "$T/o1.txt")
	assert_output 'authentic'
	[ "$stderr" = "ncdec: message 2: ${refused#ncdec: }" ]
	run -1 --separate-stderr env NCFORMAT=native NCK_TMP="$T" secure_receiver_v2.sh --each-message < <(printf ' \r\n'; cat "$T/o1.txt")
	refute_output --partial forged
	assert_line --partial "Error: failed to decrypt the message: $refused"
	run -1 --separate-stderr env NCFORMAT=native NCK_TMP="$T" secure_receiver_v2.sh --each-message < <(cat "$T/native.txt" "$T/o1.txt")
	refute_output --partial forged
	refute_output --partial 'Decrypted message'
	# and through a running receiver: the sender learns it was refused, nothing is printed
	start_receiver secure_receiver.sh
	run -1 timeout 30 ncc -N 127.0.0.1 "$RPORT" < <(printf '\n'; cat "$T/o1.txt")
	wait_for_match "$T/err" 'refusing an openssl-format message'
	PORT=$RPORT run -0 timeout 60 secure_sender.sh <<<'after'
	wait_for_match "$T/out" '^after$'
	run -0 cat "$T/out"
	assert_output 'after'
}

@test "openssl receivers still take both formats, one message per connection" {
	export NCFORMAT=openssl
	echo native | ncenc -a -argon2-time 1 -argon2-memory 8 >"$T/native.txt"
	local s
	for s in secure_receiver.sh secure_receiver_v2.sh; do
		start_receiver "$s"
		run -0 timeout 30 ncc -N 127.0.0.1 "$RPORT" <"$T/native.txt"
		PORT=$RPORT run -0 timeout 60 secure_sender.sh <<<'openssl'
		wait_for_match "$T/out" 'openssl$'
		run -0 grep -c -e 'native$' -e 'openssl$' "$T/out"
		assert_output 2
	done
}

@test "the password is in no process's arguments" {
	# A sender retrying against a port where nothing listens stays alive long enough to look.
	FREE_PORT=$(free_port)
	spawn env PORT="$FREE_PORT" NCRETRY=30 secure_sender.sh <<<'hello' >/dev/null 2>&1
	local i found=0
	for ((i = 0; i < 500; i++)); do
		if pgrep -g "$BG_PID" -x ncc >/dev/null; then
			found=1
			break
		fi
		sleep 0.02
	done
	[ "$found" -eq 1 ]
	run ps -eo args
	refute_output --partial "$NCPASS"
}

@test "v2: timestamps, status lines, a 50-character preview, sent only once delivered" {
	start_receiver secure_receiver_v2.sh
	PORT=$RPORT run -0 --separate-stderr timeout 60 secure_sender_v2.sh <<<'hello v2'
	assert_line --regexp '^Secure chat sender - started at '
	assert_line --regexp '^Encrypted form: nckitENC[A-Za-z0-9+/=]{42}\.\.\.$'
	assert_line 'Message sent successfully!'
	wait_for_match "$T/out" 'Decrypted message:'
	run -0 cat "$T/out"
	assert_line --regexp '^Secure chat receiver - started at '
	assert_line --regexp '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\] Encrypted message received from 127\.0\.0\.1:[0-9]+: nckitENC[A-Za-z0-9+/=]{42}\.\.\.$'
	assert_line 'Decrypting...'
	assert_line --regexp '^\[[0-9:]{8}\] Decrypted message: \[[0-9]{2}:[0-9]{2}:[0-9]{2}\] hello v2$'
}

@test "v2 openssl format: the tutorial's base64 preview, both ways" {
	export NCFORMAT=openssl
	start_receiver secure_receiver_v2.sh
	PORT=$RPORT run -0 --separate-stderr timeout 60 secure_sender_v2.sh <<<'hello openssl'
	assert_line --regexp '^Encrypted form: U2FsdGVkX1[A-Za-z0-9+/=]{40}\.\.\.$'
	assert_line 'Message sent successfully!'
	wait_for_match "$T/out" 'Decrypted message:'
	run -0 cat "$T/out"
	assert_line --regexp 'Encrypted message received from 127\.0\.0\.1:[0-9]+: U2FsdGVkX1'
	assert_line --regexp 'Decrypted message: \[[0-9:]{8}\] hello openssl$'
}

@test "v2 receiver survives a garbage message, reports it, and decrypts the next one" {
	start_receiver secure_receiver_v2.sh
	# garbage with control bytes and a NUL: reported, never echoed raw to the terminal
	run -1 timeout 30 ncc -N 127.0.0.1 "$RPORT" < <(printf 'garbage\033[31m\000\001 not a message\n')
	wait_for_match "$T/out" 'Error: failed to decrypt the message: ncdec: '
	PORT=$RPORT run -0 timeout 60 secure_sender_v2.sh <<<'still here'
	wait_for_match "$T/out" 'Decrypted message: .* still here$'
	run -0 cat "$T/out"
	assert_line --regexp '^\[[0-9:]{8}\] Error: failed to decrypt the message: ncdec: .+'
	no_escapes "$T/out"
	run -0 grep -c 'Waiting for the next message' "$T/out"
	assert_output 2
}

@test "v2 receiver: a wrong password gets an error line and the receiver goes on" {
	start_receiver secure_receiver_v2.sh
	NCPASS=wrong PORT=$RPORT run -1 timeout 60 secure_sender_v2.sh <<<'x'
	assert_line --partial 'Error: message not delivered'
	refute_line --partial 'sent successfully'
	wait_for_match "$T/out" 'Error: failed to decrypt the message: ncdec: wrong password'
	PORT=$RPORT run -0 timeout 60 secure_sender_v2.sh <<<'right'
	wait_for_match "$T/out" 'Decrypted message: .* right$'
}

@test "v2 sender: no receiver means an error line, never 'sent', and exit 1" {
	FREE_PORT=$(free_port)
	PORT=$FREE_PORT run -1 --separate-stderr timeout 30 secure_sender_v2.sh <<<'into the void'
	assert_line --regexp '^Error: message not delivered: ncc: .+'
	refute_line --partial 'sent successfully'
	assert_line '1 of 1 messages not delivered'
}

@test "v2 receiver shows control characters of a decrypted message as '?'" {
	start_receiver secure_receiver_v2.sh
	PORT=$RPORT run -0 timeout 60 secure_sender.sh < <(printf 'bell\007 and \033[2J clear\n')
	wait_for_match "$T/out" 'Decrypted message:'
	run -0 grep 'Decrypted message:' "$T/out"
	assert_output --regexp 'Decrypted message: bell\? and \?\[2J clear$'
}

@test "v2: no colour escapes when stdout is not a terminal" {
	start_receiver secure_receiver_v2.sh
	PORT=$RPORT timeout 60 secure_sender_v2.sh <<<'plain' >"$T/sender.out"
	wait_for_match "$T/out" 'Decrypted message:'
	no_escapes "$T/out"
	no_escapes "$T/sender.out"
}

@test "v2: colours on a terminal, none with NO_COLOR set" {
	command -v script >/dev/null || skip "util-linux script is needed for a pseudo-terminal"
	run -0 timeout 30 script -qec 'secure_sender_v2.sh </dev/null' /dev/null
	assert_output --partial $'\033[0;32mSecure chat sender'
	run -0 timeout 30 env NO_COLOR=1 script -qec 'secure_sender_v2.sh </dev/null' /dev/null
	refute_output --partial $'\033['
	assert_output --partial 'Secure chat sender'
	run -0 timeout 30 env NO_COLOR= script -qec 'secure_sender_v2.sh </dev/null' /dev/null
	refute_output --partial $'\033['
}

@test "no NCPASS: the password is asked on the terminal, without echo, and works" {
	command -v script >/dev/null || skip "util-linux script is needed for a pseudo-terminal"
	local pw=$NCPASS
	unset NCPASS
	mkfifo "$T/tty.in"
	exec 7<>"$T/tty.in"
	spawn env PORT=0 script -qfec secure_receiver.sh /dev/null <"$T/tty.in" >"$T/tty.out" 2>&1 7>&-
	wait_for_match "$T/tty.out" 'password: '
	printf '%s\n' "$pw" >&7
	RPORT=$(announced_port "$T/tty.out")
	NCPASS=$pw PORT=$RPORT run -0 timeout 60 secure_sender.sh <<<'typed on a terminal'
	wait_for_match "$T/tty.out" 'typed on a terminal'
	run -0 cat "$T/tty.out"
	refute_output --partial "$pw"
	exec 7>&-
}

@test "no NCPASS: a sender asks twice and refuses a mismatch" {
	command -v script >/dev/null || skip "util-linux script is needed for a pseudo-terminal"
	unset NCPASS
	mkfifo "$T/tty.in"
	exec 7<>"$T/tty.in"
	spawn script -qfec 'secure_sender.sh; echo "exit status $?"' /dev/null <"$T/tty.in" >"$T/tty.out" 2>&1 7>&-
	wait_for_match "$T/tty.out" 'password: '
	printf 'one\n' >&7
	wait_for_match "$T/tty.out" 'password \(again\): '
	printf 'two\n' >&7
	wait_for_match "$T/tty.out" 'exit status'
	run -0 cat "$T/tty.out"
	assert_output --partial 'secure_sender.sh: passwords do not match'
	assert_output --partial 'exit status 1'
	exec 7>&-
}

@test "receivers: a connection without data (a port probe) prints nothing and disturbs nothing" {
	start_receiver secure_receiver.sh
	run -0 ncc -z 127.0.0.1 "$RPORT"
	PORT=$RPORT run -0 timeout 60 secure_sender.sh <<<'after the probe'
	wait_for_match "$T/out" '^after the probe$'
	run -0 cat "$T/out"
	assert_output 'after the probe'
	run -1 grep -v -e '^Listening on ' -e '^Waiting for messages' "$T/err"
	assert_output ''
}

@test "receivers: TERM to the script alone also stops its listener" {
	local script
	for script in secure_receiver.sh secure_receiver_v2.sh; do
		start_receiver "$script"
		kill -TERM "$BG_PID" # the script only, not its process group
		wait "$BG_PID" || true
		local i closed=0
		for ((i = 0; i < 250; i++)); do
			if ! ncc -z 127.0.0.1 "$RPORT" 2>/dev/null; then
				closed=1
				break
			fi
			sleep 0.02
		done
		[ "$closed" -eq 1 ]
	done
}

@test "v2 receiver on a terminal: each message's lines are coloured too" {
	command -v script >/dev/null || skip "util-linux script is needed for a pseudo-terminal"
	mkfifo "$T/tty.in"
	exec 7<>"$T/tty.in"
	spawn env PORT=0 script -qfec secure_receiver_v2.sh /dev/null <"$T/tty.in" >"$T/tty.out" 2>&1 7>&-
	wait_for_match "$T/tty.out" 'Listening on '
	# (announced_port would take the 0 of the colour reset after the port)
	RPORT=$(sed -nE 's/.*Listening on [^ ]*:([0-9]+)\. .*/\1/p' "$T/tty.out")
	PORT=$RPORT run -0 timeout 60 secure_sender_v2.sh <<<'in colour'
	wait_for_match "$T/tty.out" 'in colour'
	run -0 cat "$T/tty.out"
	assert_output --partial $'\033[0;32m['
	assert_output --partial $'Decrypted message:\033[0m'
	exec 7>&-
}

@test "a sender started before its receiver loses nothing (NCRETRY)" {
	FREE_PORT=$(free_port)
	lines 5 "early" >"$T/msgs"
	spawn bash -c 'PORT=$1 NCRETRY=30 NCFORMAT=openssl secure_sender.sh <"$2" 2>/dev/null; echo "$?" >"$3"' _ \
		"$FREE_PORT" "$T/msgs" "$T/sender.rc"
	# the sender is retrying its first message now; only then does the receiver start
	local i
	for ((i = 0; i < 500; i++)); do
		pgrep -g "$BG_PID" -x ncc >/dev/null && break
		sleep 0.02
	done
	spawn env PORT="$FREE_PORT" NCFORMAT=openssl secure_receiver.sh >"$T/out" 2>"$T/err"
	wait_for_match "$T/sender.rc" '^[0-9]+$' 60
	run -0 cat "$T/sender.rc"
	assert_output 0
	run -0 diff "$T/msgs" "$T/out"
}
