#!/usr/bin/env bats
# The scripts' failures people meet first: a listener that cannot listen, a mistyped host, the
# other side gone mid-transfer, Ctrl+C, the receiver's operands. One line each, never a hang.

setup() {
	load common
	scripts_setup
}
teardown() { common_teardown; }

@test "listen: a port already taken is one line and exit 1, for every listener" {
	spawn ncl -v -k 127.0.0.1 0 2>"$T/hold"
	P=$(announced_port "$T/hold")
	run -1 --separate-stderr timeout 10 chat.sh -l 127.0.0.1 "$P" </dev/null
	[ "$stderr" = "chat.sh: cannot listen on 127.0.0.1:$P: address already in use" ]
	run -1 --separate-stderr timeout 10 secure_receiver.sh 127.0.0.1 "$P"
	[ "$stderr" = "secure_receiver.sh: cannot listen on 127.0.0.1:$P: address already in use" ]
	run -1 --separate-stderr timeout 10 secure_receiver_v2.sh 127.0.0.1 "$P"
	[ "$stderr" = "secure_receiver_v2.sh: cannot listen on 127.0.0.1:$P: address already in use" ]
	run -1 --separate-stderr timeout 10 receive_file.sh -s 127.0.0.1 "$T" "$P"
	[ "$stderr" = "receive_file.sh: cannot listen on 127.0.0.1:$P: address already in use" ]
}

@test "listen: an invalid port or address is a usage error, not silence" {
	run -2 --separate-stderr timeout 10 chat.sh -l 12345x </dev/null
	[[ $stderr == "chat.sh: invalid port: 12345x (0 to 65535)"* ]]
	run -2 --separate-stderr timeout 10 chat.sh -l localhots 23456 </dev/null
	[[ $stderr == "chat.sh: invalid address localhots: "* ]]
	run -2 --separate-stderr timeout 10 receive_file.sh -s localhots "$T" 23456
	[[ $stderr == "receive_file.sh: invalid address localhots: "* ]]
}

@test "connect: a mistyped host is an unknown host (send_file.sh: before hashing)" {
	echo hi >"$T/f"
	run -1 --separate-stderr timeout 10 send_file.sh "$T/f" no-such-host.invalid 23456
	[ "$stderr" = "send_file.sh: unknown host no-such-host.invalid" ]
	run -1 --separate-stderr timeout 10 chat.sh no-such-host.invalid 23456 </dev/null
	[ "${stderr##*$'\n'}" = "chat.sh: unknown host no-such-host.invalid" ]
	run -1 --separate-stderr timeout 10 secure_sender.sh no-such-host.invalid 23456 </dev/null
	[ "${stderr##*$'\n'}" = "secure_sender.sh: unknown host no-such-host.invalid" ]
}

@test "file: receive_file.sh FILE PORT saves as FILE (the address from HOST or -s)" {
	echo content >"$T/src"
	spawn receive_file.sh "$T/out.bin" 0 2>"$T/r.err"
	R_PID=$BG_PID
	RPORT=$(announced_port "$T/r.err")
	run -0 timeout 60 send_file.sh "$T/src" 127.0.0.1 "$RPORT"
	expect_exit 0 "$R_PID" 30
	cmp "$T/src" "$T/out.bin"
	run -0 receive_file.sh -h
	assert_output --partial 'Usage: receive_file.sh [-v] [-f] [-s ADDR] [DIR|FILE] [PORT]'
}

@test "file: receiver stopped mid-transfer: it says so (130), the sender ends at once" {
	mkdir "$T/dst"
	head -c 400M /dev/zero >"$T/big"
	spawn receive_file.sh -s 127.0.0.1 "$T/dst" 0 2>"$T/r.err"
	R_PID=$BG_PID
	RPORT=$(announced_port "$T/r.err")
	spawn bash -c 'send_file.sh "$1" 127.0.0.1 "$2" 2>"$3"; echo "$?" >"$4"' _ \
		"$T/big" "$RPORT" "$T/s.err" "$T/s.rc"
	wait_for_match "$T/r.err" 'receiving from' 30
	kill -TERM "$R_PID"
	expect_exit 130 "$R_PID"
	run -0 tail -n 1 "$T/r.err"
	assert_output "receive_file.sh: stopped: nothing saved"
	run -0 status_of "$T/s.rc" 5
	assert_output 1
	run -0 tail -n 1 "$T/s.err"
	assert_output "send_file.sh: the other side left (the connection to 127.0.0.1:$RPORT broke)"
	[ ! -e "$T/dst/big" ]
}

@test "secure_receiver_v2.sh (native): garbage is one line, not silence" {
	start_receiver secure_receiver_v2.sh
	printf 'junk\n' | ncc -N 127.0.0.1 "$RPORT" >/dev/null || true
	wait_for_match "$T/out" 'sent something that is not an nckit message: ignored'
}

@test "chat: a fake listener (junk after nckit-stream) is not an nckit chat, one line" {
	# shellcheck disable=SC2016 # perl code
	spawn perl -MIO::Socket::INET -e '
		my $l = IO::Socket::INET->new(LocalAddr => "127.0.0.1:0", Listen => 1, ReuseAddr => 1) or die;
		open(my $e, ">", $ARGV[0]) or die; print $e "listening on 127.0.0.1:", $l->sockport, "\n"; close $e;
		my $c = $l->accept or die; print $c "nckit-chat1 ", "ab" x 16, "\nnckit-stream\njunk\n";
		sleep 1 while <$c>;' "$T/fake"
	P=$(announced_port "$T/fake")
	open_stdin "$T/in"
	run -1 --separate-stderr timeout 20 chat.sh 127.0.0.1 "$P" <"$T/in"
	[ "${stderr##*$'\n'}" = "chat.sh: not an nckit chat at 127.0.0.1:$P" ]
}
