#!/usr/bin/env bats
# send_file.sh / receive_file.sh: an encrypted transfer that ends by itself, is verified, and
# writes OUTFILE only when everything arrived intact.

setup() {
	load common
	scripts_setup
}
teardown() { common_teardown; }

# start_file_receiver OUTFILE: receive_file.sh in the background, exit status kept in
# $T/rc; sets RPORT.
start_file_receiver() {
	rm -f "$T/rc" "$T/err"
	spawn bash -c 'PORT=0 receive_file.sh "$1" 2>"$2"; echo "$?" >"$3"' _ "$1" "$T/err" "$T/rc"
	RPORT=$(announced_port "$T/err")
	[ -n "$RPORT" ]
}

# receiver_status: wait for the background receiver to end and print its exit status.
receiver_status() {
	wait_for_match "$T/rc" '^[0-9]+$' 60
	cat "$T/rc"
}

# no_leftovers DIR: no temporary .part file left behind.
no_leftovers() {
	run -0 find "$1" -name '.*.part.*'
	assert_output ''
}

@test "file: 32 MiB arrive intact, both sides end by themselves, exit 0" {
	mkdir "$T/dst"
	random_file "$T/src" 32M
	start_file_receiver "$T/dst/copy"
	PORT=$RPORT run -0 --separate-stderr timeout 120 send_file.sh "$T/src"
	[[ $stderr == *"send_file.sh: delivered $T/src"* ]]
	run -0 receiver_status
	assert_output 0
	[ "$(sha "$T/src")" = "$(sha "$T/dst/copy")" ]
	run -0 grep -F "receive_file.sh: received $T/dst/copy (33554432 bytes, sha256 $(sha "$T/src"))" "$T/err"
	no_leftovers "$T/dst"
}

@test "file: the openssl format works too, and an empty file is a file" {
	export NCFORMAT=openssl
	random_file "$T/src" 100K
	start_file_receiver "$T/copy"
	PORT=$RPORT run -0 timeout 60 send_file.sh "$T/src"
	run -0 receiver_status
	assert_output 0
	cmp "$T/src" "$T/copy"

	: >"$T/empty"
	start_file_receiver "$T/empty.copy"
	PORT=$RPORT run -0 timeout 60 send_file.sh "$T/empty"
	run -0 receiver_status
	assert_output 0
	[ -f "$T/empty.copy" ] && [ ! -s "$T/empty.copy" ]
}

@test "file: a truncated transfer is rejected, OUTFILE is not written" {
	mkdir "$T/dst"
	random_file "$T/src" 1M
	{
		printf 'nckit-file 1 %d %s\n' 1048576 "$(sha "$T/src")"
		cat "$T/src"
	} | ncenc >"$T/whole"
	head -c 700000 "$T/whole" >"$T/cut"
	start_file_receiver "$T/dst/copy"
	run timeout 60 ncc -N 127.0.0.1 "$RPORT" <"$T/cut"
	run -0 receiver_status
	assert_output 1
	[ ! -e "$T/dst/copy" ]
	run -0 cat "$T/err"
	assert_line --partial 'ncdec: stream truncated'
	assert_line "receive_file.sh: transfer failed: $T/dst/copy not written"
	no_leftovers "$T/dst"
}

@test "file: a tampered transfer is rejected and an existing OUTFILE is left untouched" {
	random_file "$T/src" 200K
	{
		printf 'nckit-file 1 %d %s\n' 204800 "$(sha "$T/src")"
		cat "$T/src"
	} | ncenc >"$T/bad"
	# flip one byte in the middle of the ciphertext
	printf '\377' | dd of="$T/bad" bs=1 seek=100000 conv=notrunc status=none
	echo 'precious' >"$T/copy"
	start_file_receiver "$T/copy"
	run timeout 60 ncc -N 127.0.0.1 "$RPORT" <"$T/bad"
	run -0 receiver_status
	assert_output 1
	run -0 cat "$T/copy"
	assert_output 'precious'
	no_leftovers "$T"
}

@test "file: the openssl format's truncation is caught by the size and sha256 check" {
	export NCFORMAT=openssl
	random_file "$T/src" 300K
	{
		printf 'nckit-file 1 %d %s\n' 307200 "$(sha "$T/src")"
		cat "$T/src"
	} | ncenc -aes-256-cbc -salt -base64 -pbkdf2 -iter 10000 >"$T/whole"
	# Cut at a base64 line end, which is also a cipher block boundary: CBC's padding check
	# catches that 255 times in 256; the announced size catches the rest.
	head -n 2000 "$T/whole" >"$T/cut"
	start_file_receiver "$T/copy"
	run timeout 60 ncc -N 127.0.0.1 "$RPORT" <"$T/cut"
	run -0 receiver_status
	assert_output 1
	[ ! -e "$T/copy" ]
}

@test "file: a stream that decrypts but does not match its announced sha256 is rejected" {
	random_file "$T/src" 10K
	{
		printf 'nckit-file 1 %d %064d\n' 10240 0
		cat "$T/src"
	} | ncenc >"$T/lie"
	start_file_receiver "$T/copy"
	run timeout 60 ncc -N 127.0.0.1 "$RPORT" <"$T/lie"
	run -0 receiver_status
	assert_output 1
	[ ! -e "$T/copy" ]
	run -0 grep -F "receive_file.sh: sha256 mismatch: $T/copy not written" "$T/err"
}

@test "file: the native receiver refuses an openssl-format stream" {
	random_file "$T/src" 10K
	start_file_receiver "$T/copy"
	NCFORMAT=openssl PORT=$RPORT run timeout 60 send_file.sh "$T/src"
	run -0 receiver_status
	assert_output 1
	[ ! -e "$T/copy" ]
	run -0 grep -F 'receive_file.sh: refusing a stream in the openssl format (unauthenticated)' "$T/err"
}

@test "file: the native receiver refuses an openssl stream hidden behind white space" {
	start_file_receiver "$T/copy"
	{
		printf '\n'
		printf 'nckit-file 1 7 %s\nforged\n' "$(printf 'forged\n' | sha256sum | cut -d' ' -f1)" |
			openssl enc -aes-256-cbc -salt -base64 -pbkdf2 -iter 10000 -pass env:NCPASS
	} >"$T/forged"
	run timeout 30 ncc -N 127.0.0.1 "$RPORT" <"$T/forged"
	run -0 receiver_status
	assert_output 1
	[ ! -e "$T/copy" ]
	run -0 grep -F 'ncdec: refusing an openssl-format message (unauthenticated) with -native' "$T/err"
	no_leftovers "$T"
}

@test "file: usage and file errors" {
	run -1 --separate-stderr send_file.sh "$T/nope"
	[ "$stderr" = "send_file.sh: $T/nope: not a regular file" ]
	run -1 --separate-stderr receive_file.sh "$T"
	[ "$stderr" = "receive_file.sh: $T: is a directory" ]
	run -1 --separate-stderr receive_file.sh "$T/no/such/dir/out"
	[ "$stderr" = "receive_file.sh: $T/no/such/dir: not a writable directory" ]
	run -2 --separate-stderr receive_file.sh a b
	[[ $stderr == *"receive_file.sh: unexpected argument: b"* ]]
	FREE_PORT=$(free_port)
	random_file "$T/src" 1K
	PORT=$FREE_PORT run -1 --separate-stderr timeout 30 send_file.sh "$T/src"
	[[ $stderr == *"send_file.sh: $T/src not delivered"* ]]
}
