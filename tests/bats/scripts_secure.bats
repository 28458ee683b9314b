#!/usr/bin/env bats
# The secure chat scripts, v1 and v2: round trips in both formats, what "sent" means, one
# human line per failure, the v2 look, configuration errors.

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

@test "bad configuration: usage errors with exit 2, the problem then where to look" {
	run -2 --separate-stderr env PORT=99999 secure_sender.sh </dev/null
	[ "$stderr" = "secure_sender.sh: invalid port: 99999 (0 to 65535)
secure_sender.sh: try 'secure_sender.sh -h'" ]
	run -2 --separate-stderr env PORT=abc secure_receiver.sh
	[[ $stderr == "secure_receiver.sh: invalid port: abc (0 to 65535)"* ]]
	run -2 --separate-stderr env NCFORMAT=des secure_sender_v2.sh </dev/null
	[[ $stderr == "secure_sender_v2.sh: invalid NCFORMAT: des (native or openssl)"* ]]
	run -2 --separate-stderr secure_receiver_v2.sh 127.0.0.1 1 extra
	[[ $stderr == "secure_receiver_v2.sh: unexpected argument: extra"* ]]
	run -2 --separate-stderr send_file.sh
	[[ $stderr == "send_file.sh: missing FILE"* ]]
	run -2 --separate-stderr secure_sender.sh -l
	[[ $stderr == "secure_sender.sh: -l: this tool connects; its receiver listens"* ]]
}

@test "no password and no terminal: a clear error, never a hang" {
	unset NCPASS
	run -2 --separate-stderr timeout 10 setsid -w secure_sender.sh </dev/null
	[ "$stderr" = "secure_sender.sh: no password: set NCPASS or run on a terminal" ]
	run -2 --separate-stderr timeout 10 setsid -w secure_receiver_v2.sh
	[ "$stderr" = "secure_receiver_v2.sh: no password: set NCPASS or run on a terminal" ]
	NCPASS= run -2 --separate-stderr secure_sender.sh </dev/null
	[ "$stderr" = "secure_sender.sh: empty password: set NCPASS or type one" ]
}

@test "host and port as arguments: receiver ADDR PORT, sender HOST PORT (env unset)" {
	FREE_PORT=$(free_port)
	spawn env -u HOST -u PORT secure_receiver.sh 127.0.0.1 "$FREE_PORT" >"$T/out" 2>"$T/err"
	wait_for_match "$T/err" "Listening on 127\.0\.0\.1:$FREE_PORT\$"
	run -0 env -u HOST -u PORT timeout 60 secure_sender.sh 127.0.0.1 "$FREE_PORT" <<<'by arguments'
	wait_for_match "$T/out" '^by arguments$'
	# a sender with only a host takes PORT from the environment
	PORT=$FREE_PORT run -0 env -u HOST timeout 60 secure_sender_v2.sh 127.0.0.1 <<<'host only'
	wait_for_match "$T/out" 'host only$'
}

@test "v1 native: each line arrives exactly, in order; waiting, connected, ended" {
	start_receiver secure_receiver.sh
	printf '%s\n' 'hello' '  leading and trailing spaces  ' 'back\slash and $dollar' 'héllo wörld ✓' '' 'last' >"$T/msgs"
	run -0 --separate-stderr timeout 60 secure_sender.sh 127.0.0.1 "$RPORT" <"$T/msgs"
	[ "$stderr" = "Secure chat - type your messages below
Press Ctrl+C to quit
secure_sender.sh: waiting for 127.0.0.1:$RPORT
secure_sender.sh: connected to 127.0.0.1:$RPORT
secure_sender.sh: session ended" ]
	wait_for_match "$T/out" '^last$'
	run -0 cat "$T/out"
	assert_output "$(cat "$T/msgs")"
	wait_for_match "$T/err" 'left$'
	run -0 grep -c -E '^secure_receiver\.sh: 127\.0\.0\.1:[0-9]+ (connected|left)$' "$T/err"
	assert_output 2
}

@test "v1 openssl format: round trip, and a last line without a newline is still sent" {
	export NCFORMAT=openssl
	start_receiver secure_receiver.sh
	run -0 timeout 60 secure_sender.sh 127.0.0.1 "$RPORT" < <(printf 'one\ntwo')
	wait_for_match "$T/out" '^two$'
	run -0 cat "$T/out"
	assert_output $'one\ntwo'
}

@test "nobody listening: 'start the receiver first', exit 1, in every sender and format" {
	FREE_PORT=$(free_port)
	local s f
	for f in native openssl; do
		for s in secure_sender.sh secure_sender_v2.sh; do
			NCFORMAT=$f run -1 --separate-stderr timeout 30 "$s" 127.0.0.1 "$FREE_PORT" <<<'lost'
			[[ $stderr == *"nobody is listening on 127.0.0.1:$FREE_PORT: start the receiver first"* ]]
			[[ $stderr != *'ncc:'* ]]
			refute_output --partial 'sent successfully'
		done
	done
}

@test "wrong password (native): one line on both sides, the receiver goes on" {
	local s
	for s in secure_receiver.sh secure_receiver_v2.sh; do
		start_receiver "$s"
		NCPASS=wrong run -1 --separate-stderr timeout 60 secure_sender_v2.sh 127.0.0.1 "$RPORT" <<<'x'
		[[ $stderr == *$'\n'"secure_sender_v2.sh: wrong password (the other side uses a different one)" ]]
		[[ $stderr != *'ncdec:'* ]] && [[ $stderr != *'ncc:'* ]]
		refute_output --partial 'sent successfully'
		if [ "$s" = secure_receiver.sh ]; then
			wait_for_match "$T/err" "^secure_receiver\.sh: refused 127\.0\.0\.1:[0-9]+: wrong password \(the other side uses a different one\)$"
		else
			wait_for_match "$T/out" 'Error: 127\.0\.0\.1:[0-9]+ uses a different password: refused'
		fi
		run -0 timeout 60 secure_sender.sh 127.0.0.1 "$RPORT" <<<'right'
		wait_for_match "$T/out" 'right$'
		run -1 grep -e 'ncdec:' -e 'ncl:' "$T/out" "$T/err"
		common_teardown
		: >"$BG_PIDS"
	done
}

@test "native receiver refuses an openssl (unauthenticated) message, prints nothing of it" {
	start_receiver secure_receiver.sh
	NCFORMAT=openssl run timeout 60 secure_sender.sh 127.0.0.1 "$RPORT" <<<'downgrade'
	wait_for_match "$T/err" 'refused an openssl-format message from 127\.0\.0\.1:[0-9]+'
	run -0 cat "$T/out"
	assert_output ''
}

@test "openssl receivers take the openssl format, one message per connection, no oracle" {
	export NCFORMAT=openssl
	start_receiver secure_receiver_v2.sh
	# garbage: the connection ends the same clean way as for a good message
	run -0 timeout 30 ncc -N 127.0.0.1 "$RPORT" < <(printf 'U2FsdGVkX1garbage\033[31m\001\n')
	wait_for_match "$T/out" 'Error: failed to decrypt the message'
	run -0 timeout 60 secure_sender.sh 127.0.0.1 "$RPORT" <<<'openssl'
	wait_for_match "$T/out" 'Decrypted message: openssl$'
	no_escapes "$T/out"
}

@test "the password is in no process's arguments" {
	FREE_PORT=$(free_port)
	spawn env NCRETRY=30 secure_sender.sh 127.0.0.1 "$FREE_PORT" <<<'hello' >/dev/null 2>&1
	local i found=0
	for ((i = 0; i < 500; i++)); do
		if pgrep -s "$(pgrep -P "$BG_PID" -x ncc || echo 0)" >/dev/null 2>&1 ||
			ps -eo args | grep -q "^ncc -N --retry 30 127.0.0.1 $FREE_PORT"; then
			found=1
			break
		fi
		sleep 0.02
	done
	[ "$found" -eq 1 ]
	run ps -eo args
	refute_output --partial "$NCPASS"
}

@test "v2: timestamps, status lines, sent only once decrypted (native)" {
	start_receiver secure_receiver_v2.sh
	run -0 --separate-stderr timeout 60 secure_sender_v2.sh 127.0.0.1 "$RPORT" <<<'hello v2'
	assert_line --regexp '^Secure chat sender - started at '
	assert_line "Sending to 127.0.0.1 port $RPORT (native format)"
	assert_line 'Message sent successfully! (received and decrypted)'
	wait_for_match "$T/out" 'Decrypted message:'
	run -0 cat "$T/out"
	assert_line --regexp '^Secure chat receiver - started at '
	assert_line --regexp '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\] 127\.0\.0\.1:[0-9]+ connected$'
	assert_line --regexp '^\[[0-9:]{8}\] Decrypted message: \[[0-9]{2}:[0-9]{2}:[0-9]{2}\] hello v2$'
}

@test "v2 openssl format: the tutorial's base64 preview, both ways" {
	export NCFORMAT=openssl
	start_receiver secure_receiver_v2.sh
	run -0 --separate-stderr timeout 60 secure_sender_v2.sh 127.0.0.1 "$RPORT" <<<'hello openssl'
	assert_line --regexp '^Encrypted form: U2FsdGVkX1[A-Za-z0-9+/=]{40}\.\.\.$'
	assert_line 'Message sent successfully! (received; this format cannot tell more)'
	wait_for_match "$T/out" 'Decrypted message:'
	run -0 cat "$T/out"
	assert_line --regexp 'Encrypted message received from 127\.0\.0\.1:[0-9]+: U2FsdGVkX1'
	assert_line --regexp 'Decrypted message: \[[0-9:]{8}\] hello openssl$'
}

@test "v2: no colour escapes when stdout is not a terminal" {
	start_receiver secure_receiver_v2.sh
	timeout 60 secure_sender_v2.sh 127.0.0.1 "$RPORT" <<<'plain' >"$T/sender.out" 2>&1
	wait_for_match "$T/out" 'Decrypted message:'
	no_escapes "$T/out"
	no_escapes "$T/sender.out"
}

@test "no NCPASS: the password is asked once on the terminal, without echo, and works" {
	local pw=$NCPASS
	unset NCPASS
	mkfifo "$T/tty.in"
	exec 7<>"$T/tty.in"
	spawn env NO_COLOR=1 script -qfec 'secure_receiver.sh 127.0.0.1 0' /dev/null <"$T/tty.in" >"$T/tty.out" 2>&1 7>&-
	wait_for_match "$T/tty.out" 'enter the shared password: '
	printf '%s\n' "$pw" >&7
	RPORT=$(announced_port "$T/tty.out")
	NCPASS=$pw run -0 timeout 60 secure_sender.sh 127.0.0.1 "$RPORT" <<<'typed on a terminal'
	wait_for_match "$T/tty.out" 'typed on a terminal'
	run -0 grep -c 'password' "$T/tty.out"
	assert_output 1
	run -0 cat "$T/tty.out"
	refute_output --partial "$pw"
	exec 7>&-
}

@test "receivers: a connection without data (a port probe) prints nothing and disturbs nothing" {
	start_receiver secure_receiver.sh
	run -0 ncc -z 127.0.0.1 "$RPORT"
	run -0 timeout 60 secure_sender.sh 127.0.0.1 "$RPORT" <<<'after the probe'
	wait_for_match "$T/out" '^after the probe$'
	run -0 cat "$T/out"
	assert_output 'after the probe'
	run -1 grep -v -e 'Listening on ' -e 'Waiting for messages' -e 'connected$' -e 'left$' "$T/err"
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

@test "a sender started before its receiver loses nothing (NCRETRY)" {
	FREE_PORT=$(free_port)
	lines 5 "early" >"$T/msgs"
	spawn bash -c 'NCRETRY=30 NCFORMAT=openssl secure_sender.sh 127.0.0.1 "$1" <"$2" 2>/dev/null; echo "$?" >"$3"' _ \
		"$FREE_PORT" "$T/msgs" "$T/sender.rc"
	local i
	for ((i = 0; i < 500; i++)); do
		ps -eo args | grep -q "^ncc -N --retry 30 127.0.0.1 $FREE_PORT" && break
		sleep 0.02
	done
	spawn env NCFORMAT=openssl secure_receiver.sh 127.0.0.1 "$FREE_PORT" >"$T/out" 2>"$T/err"
	run -0 status_of "$T/sender.rc" 60
	assert_output 0
	run -0 diff "$T/msgs" "$T/out"
}
