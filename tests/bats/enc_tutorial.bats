#!/usr/bin/env bats
# The tutorial's exact invocations (freeCodeCamp, "secure chat with Netcat") with
# `openssl enc` replaced by ncenc/ncdec, over real OpenBSD nc on loopback, and mixed with
# real openssl on the other end. The tutorial's port 12345 is replaced by a free one.

setup() {
	load common
	common_setup
	require_peers
	D=$BATS_TEST_TMPDIR
}

teardown() {
	common_teardown
}

# listen CMD: start the receiver pipeline CMD (which must use "nc -lv 127.0.0.1 0") in the
# background with its stdout in $D/got and nc's stderr in $D/nc.err; sets PORT.
listen() {
	spawn bash -c "$1" >"$D/got" 2>"$D/nc.err"
	PORT=$(announced_port "$D/nc.err")
}

# v1 receiver and sender, verbatim but for the tool and the port
RECV_V1='nc -lv 127.0.0.1 0 | DEC -aes-256-cbc -d -salt -base64 -pbkdf2 -pass pass:chatpassword 2>/dev/null'
send_v1() { # TOOL MESSAGE
	local message=$2
	if [ "$1" = openssl ]; then
		echo "$message" | openssl enc -aes-256-cbc -salt -base64 \
			-pbkdf2 -pass pass:chatpassword 2>/dev/null |
			nc -N localhost "$PORT"
	else
		echo "$message" | ncenc -aes-256-cbc -salt -base64 \
			-pbkdf2 -pass pass:chatpassword 2>/dev/null |
			nc -N localhost "$PORT"
	fi
}

@test "tutorial v1: ncenc sender, ncdec receiver" {
	listen "${RECV_V1/DEC/ncdec}"
	send_v1 ncenc "Ceci est mon message secret"
	wait "$BG_PID"
	run -0 cat "$D/got"
	assert_output "Ceci est mon message secret"
}

@test "tutorial v1: ncenc -d as the receiver, as openssl enc -d was" {
	listen "${RECV_V1/DEC/ncenc}"
	send_v1 ncenc "salut"
	wait "$BG_PID"
	run -0 cat "$D/got"
	assert_output "salut"
}

@test "tutorial v1: one end switches before the other, both ways" {
	listen "${RECV_V1/DEC/openssl enc}"
	send_v1 ncenc "from ncenc to openssl"
	wait "$BG_PID"
	run -0 cat "$D/got"
	assert_output "from ncenc to openssl"
	listen "${RECV_V1/DEC/ncdec}"
	send_v1 openssl "from openssl to ncdec"
	wait "$BG_PID"
	run -0 cat "$D/got"
	assert_output "from openssl to ncdec"
}

@test "tutorial v2: timestamped message, -iter 10000, \$(...) capture and preview" {
	local enc
	for enc in ncenc openssl; do
		spawn nc -lv 127.0.0.1 0 >"$D/wire" 2>"$D/nc.err"
		PORT=$(announced_port "$D/nc.err")
		message="bonjour"
		timestamped_message="[$(date +%H:%M:%S)] $message"
		if [ "$enc" = ncenc ]; then
			encrypted=$(echo "$timestamped_message" | ncenc -aes-256-cbc -salt -base64 \
				-pbkdf2 -iter 10000 -pass pass:chatpassword 2>/dev/null)
		else
			encrypted=$(echo "$timestamped_message" | openssl enc -aes-256-cbc -salt -base64 \
				-pbkdf2 -iter 10000 -pass pass:chatpassword 2>/dev/null)
		fi
		[ "${encrypted:0:10}" = U2FsdGVkX1 ]
		echo "$encrypted" | nc -N localhost "$PORT"
		wait "$BG_PID"
		# the receiver side of v2
		encrypted=$(cat "$D/wire")
		[ -n "$encrypted" ]
		decrypted=$(echo "$encrypted" | ncdec -aes-256-cbc -d -salt -base64 \
			-pbkdf2 -iter 10000 -pass pass:chatpassword 2>/dev/null)
		[ "$decrypted" = "$timestamped_message" ]
		decrypted=$(echo "$encrypted" | openssl enc -aes-256-cbc -d -salt -base64 \
			-pbkdf2 -iter 10000 -pass pass:chatpassword 2>/dev/null)
		[ "$decrypted" = "$timestamped_message" ]
	done
}

@test "tutorial v2: the receiver's failure branch sees a non-zero status" {
	encrypted=$(echo "hi" | ncenc -aes-256-cbc -salt -base64 -pbkdf2 -iter 10000 -pass pass:other 2>/dev/null)
	local i ok=0
	for i in 1 2 3 4 5 6; do
		if ! decrypted=$(echo "$encrypted" | ncdec -aes-256-cbc -d -salt -base64 \
			-pbkdf2 -iter 10000 -pass "pass:chatpassword$i" 2>/dev/null); then
			ok=1
			break
		fi
	done
	[ "$ok" = 1 ]
	[ -z "$decrypted" ]
}

@test "tutorial file transfer, encrypted: nc -l | ncdec > received_file.txt" {
	echo "Ceci est mon message secret" >"$D/secret.txt"
	spawn bash -c "nc -lv 127.0.0.1 0 | ncdec -pass pass:chatpassword > '$D/received_file.txt'" 2>"$D/nc.err"
	PORT=$(announced_port "$D/nc.err")
	ncenc -pass pass:chatpassword <"$D/secret.txt" | nc -N localhost "$PORT"
	wait "$BG_PID"
	cmp "$D/secret.txt" "$D/received_file.txt"
}
