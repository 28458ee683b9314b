#!/usr/bin/env bats
# The padding oracle, as an attacker without the password tries it against the openssl-format
# receiver `ncl -k --each 'ncdec -aes-256-cbc -pbkdf2 -pass env:P'`: a message whose padding
# check passes and one whose check fails, each followed by bytes that would start another
# message, must end their connections the same way.

setup() {
	load common
	common_setup
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	common_teardown
}

# probe PORT FILE: send FILE and report how the connection ended, as the attacker sees it.
probe() {
	local rc=0
	ncc -N 127.0.0.1 "$1" <"$2" >/dev/null 2>probe.err || rc=$?
	printf 'exit %d %s\n' "$rc" "$(cat probe.err)"
}

@test "oracle: good and bad padding end a connection alike, base64 and binary, with trailing bytes" {
	export P=the-receivers-password
	for enc in "-a" ""; do
		# shellcheck disable=SC2086 # $enc is one option or none
		spawn ncl -k -v --each "ncdec -aes-256-cbc -pbkdf2 $enc -pass env:P" 127.0.0.1 0 </dev/null >out 2>err
		port=$(announced_port err)
		for tail in '' 'nckitENC' 'Salted__'; do
			# shellcheck disable=SC2086
			printf 'a message\n' | ncenc -aes-256-cbc -pbkdf2 $enc -pass env:P >good
			# the same bytes under another password: the padding check fails (or passes by chance,
			# which must look the same)
			# shellcheck disable=SC2086
			printf 'a message\n' | ncenc -aes-256-cbc -pbkdf2 $enc -pass pass:another >bad
			printf '%s' "$tail" >>good
			printf '%s' "$tail" >>bad
			[ "$(probe "$port" good)" = "exit 0 " ]
			[ "$(probe "$port" bad)" = "exit 0 " ]
		done
		kill "$BG_PID"
		wait "$BG_PID" || true
		grep -q '^a message$' out
	done
}
