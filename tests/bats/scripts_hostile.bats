#!/usr/bin/env bats
# The receivers against a hostile network: a peer's bytes reach a terminal only through the
# one sanitizer, a recorded session replays into nothing, idle and dripping connections do not
# hold off a legitimate sender.

setup() {
	load common
	scripts_setup
}
teardown() { common_teardown; }

# raw_session PORT FILE: a secure chat session made by hand from ncc and ncenc, as the
# protocol in nckit-common.sh describes it, sending FILE's lines (any bytes) as messages.
# Prints what the receiver answered (after its nonce line).
raw_session() {
	local ln cn token line in out pid
	rm -f "$T/raw.up" "$T/raw.down"
	mkfifo "$T/raw.up" "$T/raw.down"
	ncc -N 127.0.0.1 "$1" <"$T/raw.up" >"$T/raw.down" 2>/dev/null 3>&- &
	pid=$!
	exec {in}>"$T/raw.up" {out}<"$T/raw.down"
	IFS= read -r -t 10 -u "$out" line
	ln=${line#nckit-chat1 }
	cn=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	printf 'nckit-chat1 %s\n' "$cn" >&"$in"
	{
		printf 'nckit-hello %s\n' "$token"
		sed 's/^/m /' "$2"
	} | ncenc "${ENC_ARGS[@]}" -label "nckit-chat1 chat c2l $ln $cn" >&"$in"
	exec {in}>&-
	cat <&"$out"
	exec {out}<&-
	wait "$pid" 2>/dev/null || true
}

@test "sanitizer: what a peer sends reaches the screen made visible, through a real receiver" {
	start_receiver secure_receiver.sh
	# one row per attack: the bytes sent, then what the receiver must print
	local -a sent=(
		$'clear\e[2Jscreen'
		$'title\e]0;PWNED\aset'
		$'raw c1 \x9b31m'
		$'utf8 c1 \xc2\x9b31m'
		$'bidi \xe2\x80\xaeevil'
		$'del \x7f here'
		$'nul \x00 here'
		'secure_receiver.sh: 10.0.0.1:4444 connected'
		$'tab\tand ünïcödé stay'
	)
	local -a shown=(
		'clear^[[2Jscreen'
		'title^[]0;PWNED^Gset'
		'raw c1 \x9b31m'
		'utf8 c1 <U+009B>31m'
		'bidi <U+202E>evil'
		'del ^? here'
		'nul ^@ here'
		'secure_receiver.sh: 10.0.0.1:4444 connected'
		$'tab\tand ünïcödé stay'
	)
	local i
	for i in "${!sent[@]}"; do
		if [ "$i" = 6 ]; then printf 'nul \0 here\n'; else printf '%s\n' "${sent[i]}"; fi
	done >"$T/attack"
	run -0 raw_session "$RPORT" "$T/attack"
	[ "$(grep -c '^ok ' <<<"$output")" = 9 ]
	wait_for_match "$T/out" 'stay$'
	run -0 cat "$T/out"
	assert_output "$(printf '%s\n' "${shown[@]}")"
	no_escapes "$T/out"
	# the imitation is on stdout (the peer's text), never among the status lines
	run -1 grep -F '10.0.0.1:4444' "$T/err"
}

@test "sanitizer: the v2 receiver shows a peer's escapes made visible" {
	start_receiver secure_receiver_v2.sh
	printf 'v2 \e[2J \xc2\x9b end\n' >"$T/attack"
	run -0 raw_session "$RPORT" "$T/attack"
	wait_for_match "$T/out" 'Decrypted message: '
	run -0 grep 'Decrypted message:' "$T/out"
	assert_output --regexp '^\[[0-9:]{8}\] Decrypted message: v2 \^\[\[2J <U\+009B> end$'
	no_escapes "$T/out"
}

@test "replay: a recorded session sent again to a new one is refused, nothing printed" {
	start_receiver secure_receiver.sh
	# a relay that records what the sender sends: ncl <-> ncc, the upstream copied by tee
	mkfifo "$T/back"
	spawn bash -c 'exec 7>&-; ncl -v 127.0.0.1 0 <"$1" 2>"$2" | tee "$3" | ncc 127.0.0.1 "$4" >"$1"' _ \
		"$T/back" "$T/relay.err" "$T/up.rec" "$RPORT"
	local rport
	rport=$(announced_port "$T/relay.err")
	run -0 timeout 60 secure_sender.sh 127.0.0.1 "$rport" <<<'recorded once'
	wait_for_match "$T/out" '^recorded once$'
	[ -s "$T/up.rec" ]
	# the replay: a new connection, whatever nonce the receiver sends, the recorded bytes
	run -1 bash -c 'exec 7>&-; timeout 20 ncc -N 127.0.0.1 "$1" <"$2"' _ "$RPORT" "$T/up.rec"
	assert_output --regexp '^nckit-chat1 [0-9a-f]{32}'
	assert_line 'nckit-error wrong-password'
	refute_line --regexp '^ok '
	wait_for_match "$T/err" 'refused 127\.0\.0\.1:[0-9]+: wrong password'
	run -0 cat "$T/out"
	assert_output 'recorded once'
}

@test "stall: 10 idle and 10 dripping connections; a sender's message still arrives within 2 s" {
	local -a receivers=(secure_receiver.sh secure_receiver_v2.sh)
	local r i
	for r in "${receivers[@]}"; do
		start_receiver "$r"
		mkfifo "$T/idle.in"
		for ((i = 0; i < 10; i++)); do
			spawn bash -c 'exec 9<>"$1"; exec ncc 127.0.0.1 "$2" <&9 >/dev/null 2>&1' _ "$T/idle.in" "$RPORT"
			# shellcheck disable=SC2016 # for the inner bash
			spawn bash -c 'while printf " "; do sleep 0.5; done | ncc 127.0.0.1 "$1" >/dev/null 2>&1' _ "$RPORT"
		done
		wait_for_match "$T/err" . 1 || true
		local msg="through the crowd $r"
		printf '%s\n' "$msg" | timeout 30 secure_sender.sh 127.0.0.1 "$RPORT" >/dev/null 2>&1 &
		local sender=$!
		wait_for_match "$T/out" "$msg\$" 2
		wait "$sender"
		common_teardown
		: >"$BG_PIDS"
		rm -f "$T/idle.in" "$T/out" "$T/err"
	done
}
