#!/usr/bin/env bats
# The scripts on a real terminal (a pseudo-terminal from script(1)): progress lines only when
# stderr is a terminal, colours only on a terminal and never with NO_COLOR, one password
# prompt worded the same by every tool. Ready signals only: what the terminal shows.

setup() {
	load common
	scripts_setup
	command -v script >/dev/null || fail "script(1) (util-linux) is not installed"
}
teardown() { common_teardown; }

# on_tty NAME CMD...: CMD on a pseudo-terminal: its stdin, stdout and stderr. What it shows
# lands in $T/NAME.tty, its exit status in $T/NAME.rc; type_on NAME types into it.
on_tty() {
	local name=$1 cmd fd
	shift
	printf -v cmd '%q ' "$@"
	rm -f "$T/$name.in" "$T/$name.tty" "$T/$name.rc"
	mkfifo "$T/$name.in"
	exec {fd}<>"$T/$name.in"
	printf -v "TTY_FD_$name" '%s' "$fd"
	spawn env SHELL=/bin/bash bash -c 'script -qfec "$1" /dev/null <"$2" >"$3" 2>&1
		echo "$?" >"$4"' _ "$cmd" "$T/$name.in" "$T/$name.tty" "$T/$name.rc" {fd}>&-
}

# type_on NAME TEXT: TEXT typed on that terminal (printf's format: \003 is Ctrl+C).
type_on() {
	local v=TTY_FD_$1
	# shellcheck disable=SC2059 # the format is the point
	printf "$2" >&"${!v}"
}

# tty_end NAME: Ctrl+C on that terminal; the tool ends (its status in $T/NAME.rc).
tty_end() {
	type_on "$1" '\003'
	status_of "$T/$1.rc" >/dev/null
}

# tty_port NAME: the port that tool announced on its terminal (colours and all).
tty_port() {
	wait_for_match "$T/$1.tty" '[Ll]istening on ' >/dev/null
	grep -oE '[Ll]istening on [^ ]*:[0-9]+' "$T/$1.tty" | head -n 1 | sed 's/.*://'
}

# stalled_receiver: a listener that greets a send_file.sh as receive_file.sh does, says go,
# then reads no more than the buffers hold: the sender's sending phase lasts until the test
# ends. Sets RPORT.
stalled_receiver() {
	local in sink
	mkfifo "$T/sr.in" "$T/sr.out"
	exec {in}<>"$T/sr.in" {sink}<>"$T/sr.out" # sink: never read
	printf 'nckit-chat1 %032d\nnckit-file-go\n' 0 >&"$in"
	spawn bash -c 'ncl -v 127.0.0.1 0 <"$1" >"$2" 2>"$3"' _ "$T/sr.in" "$T/sr.out" "$T/sr.err"
	RPORT=$(announced_port "$T/sr.err")
}

# The meter's line: "\r\033[K  PHASE DONE / TOTAL PCT%  RATE ETA Ns".
meter_re() {
	printf '%s' $'\r\033\\[K  '"$1"' [0-9.]+ [KMG]?i?B / '"$2"' [0-9]+%  [0-9.]+ [KMG]?i?B/s'
}

@test "tty: send_file.sh shows its progress on a terminal (bytes, total, percent, rate, ETA)" {
	random_file "$T/big" 64M
	stalled_receiver
	on_tty s send_file.sh "$T/big" 127.0.0.1 "$RPORT"
	wait_for_match "$T/s.tty" "$(meter_re sending '64\.0 MiB')"' ETA [0-9]+s'
	tty_end s
}

@test "tty: receive_file.sh shows its progress on a terminal" {
	mkdir "$T/dst"
	on_tty r receive_file.sh "$T/dst" 127.0.0.1 0
	RPORT=$(tty_port r)
	partial_sender part.bin # 64 KiB of 1 MiB, then it stalls
	wait_for_match "$T/r.tty" "$(meter_re receiving '1\.0 MiB')"
	partial_sender_dies
	wait_for_match "$T/r.tty" 'the transfer broke off'
	run -0 status_of "$T/r.rc"
	assert_output 1
}

@test "tty: no progress, colour or carriage return when stderr is a pipe" {
	mkdir "$T/dst"
	random_file "$T/big" 64M
	# the receiver's stderr a pipe
	spawn bash -c 'receive_file.sh "$1" 127.0.0.1 0 2>&1 | cat >"$2"' _ "$T/dst" "$T/r.err"
	RPORT=$(announced_port "$T/r.err")
	# the sender's stdout a terminal, its stderr a pipe
	on_tty s bash -c 'send_file.sh "$1" 127.0.0.1 "$2" 2>&1 >/dev/tty | cat >"$3"' _ \
		"$T/big" "$RPORT" "$T/s.err"
	run -0 status_of "$T/s.rc" 60
	assert_output 0
	wait_for_match "$T/r.err" '^receive_file\.sh: saved '
	local f
	for f in "$T/s.err" "$T/r.err"; do
		no_escapes "$f"
		run -1 grep -c $'\r' "$f"
		run -1 grep -E 'hashing|sending [0-9]|receiving [0-9]|checking|ETA' "$f"
	done
	run -0 wc -l <"$T/s.err"
	assert_output 3 # sending, sent, the summary
	cmp "$T/big" "$T/dst/big"
}

@test "tty: the v2 tools use colours on a terminal, none with NO_COLOR" {
	local nc
	for nc in '' 1; do
		if [ -n "$nc" ]; then export NO_COLOR=1; fi
		on_tty r secure_receiver_v2.sh 127.0.0.1 0
		RPORT=$(tty_port r)
		on_tty s secure_sender_v2.sh 127.0.0.1 "$RPORT"
		wait_for_match "$T/s.tty" 'Your message: '
		type_on s 'colourful\n'
		wait_for_match "$T/s.tty" 'Message sent successfully'
		wait_for_match "$T/r.tty" 'Decrypted message:.* colourful'
		tty_end s
		tty_end r
		if [ -z "$nc" ]; then
			grep -q $'\033\\[0;32mSecure chat receiver - started at ' "$T/r.tty"
			grep -q $'\033\\[0;32m\\[[0-9:]*\\] Decrypted message:\033\\[0m \\[' "$T/r.tty"
			grep -q $'\033\\[0;32mMessage sent successfully!\033\\[0m' "$T/s.tty"
			grep -q $'\033\\[0;32m\\[[0-9:]*\\]\033\\[0m Your message: ' "$T/s.tty"
		else
			no_escapes "$T/r.tty"
			no_escapes "$T/s.tty"
			grep -q '^Secure chat receiver - started at ' "$T/r.tty"
			grep -q '^Message sent successfully! (received and decrypted)' "$T/s.tty"
		fi
	done
}

@test "tty: every tool asks for the password once, in the same words, echo off" {
	: >"$T/f"
	mkdir "$T/dst"
	local -a tools=(
		"chat.sh -l 127.0.0.1 0" "chat.sh 127.0.0.1 1"
		"secure_sender.sh 127.0.0.1 1" "secure_receiver.sh 127.0.0.1 0"
		"secure_sender_v2.sh 127.0.0.1 1" "secure_receiver_v2.sh 127.0.0.1 0"
		"send_file.sh $T/f 127.0.0.1 1" "receive_file.sh $T/dst 127.0.0.1 0"
	)
	local tool prog
	unset NCPASS
	export NO_COLOR=1 # the error line below, plain
	for tool in "${tools[@]}"; do
		prog=${tool%% *}
		# shellcheck disable=SC2086 # the tool's words
		on_tty p $tool
		wait_for_match "$T/p.tty" 'password'
		run -0 cat "$T/p.tty"
		assert_output 'enter the shared password: '
		type_on p 'not-shown\n' # a typed password: not echoed
		# then Ctrl+C once it runs (a connector to port 1 has ended by itself)
		wait_for_match "$T/p.tty" '[Ll]istening on|nobody is listening'
		tty_end p
		run -0 grep -c password "$T/p.tty"
		assert_output 1
		run -1 grep not-shown "$T/p.tty"
	done
	# an empty answer: the same words everywhere
	for tool in "${tools[@]}"; do
		prog=${tool%% *}
		# shellcheck disable=SC2086
		on_tty p $tool
		wait_for_match "$T/p.tty" 'password'
		type_on p '\n'
		run -0 status_of "$T/p.rc"
		assert_output 2
		run -0 tr -d '\r' <"$T/p.tty"
		assert_output "enter the shared password: 
$prog: empty password: set NCPASS or type one"
	done
}
