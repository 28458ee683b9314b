#!/usr/bin/env bats
# The bash completion completes flags and option values as a user's Tab would: each test
# sources completions/nckit.bash in bash, sets COMP_WORDS/COMP_CWORD as bash does, calls the
# registered function and checks COMPREPLY.

setup() {
	load common
	common_setup
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	common_teardown
}

# complete WORD...: the words of a command line, the last one being completed; prints
# COMPREPLY one per line, sorted.
complete_words() {
	bash -c '
		source "$NCKIT_ROOT/completions/nckit.bash"
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		fn=$(complete -p "$1" | sed -E "s/.*-F ([^ ]+) .*/\1/")
		"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort
	' complete "$@"
}

@test "completion: a function is registered for each of the four commands" {
	run -0 bash -c 'source "$NCKIT_ROOT/completions/nckit.bash"; complete -p ncl ncc ncenc ncdec'
	[ "${#lines[@]}" -eq 4 ]
}

@test "completion: ncl flags, long ones included" {
	run -0 complete_words ncl --
	assert_line --each
	assert_line --max
	assert_line --deadline
	assert_line --socket-mode
	assert_line --version
	run -0 complete_words ncl -k --ea
	assert_output --each
}

@test "completion: ncl --each completes a command name" {
	run -0 complete_words ncl -k --each ech
	assert_line echo
}

@test "completion: ncc completes hosts for its first operand, nothing for the port" {
	printf '127.0.0.1 nckit-test-host.example\n' >hosts
	export HOSTFILE=$PWD/hosts
	run -0 complete_words ncc -N nckit-test
	assert_output nckit-test-host.example
	run -0 complete_words ncc nckit-test-host.example ''
	assert_output ''
	run -0 complete_words ncc -z
	assert_output -- -z
}

@test "completion: ncl -U and ncc -U complete a socket path" {
	mkdir sockdir
	: >sockfile
	run -0 complete_words ncc -U sock
	assert_line sockdir/
	assert_line sockfile
}

@test "completion: ncenc completes openssl ciphers" {
	run -0 complete_words ncenc -aes-256
	assert_output - <<'EOF'
-aes-256-cbc
-aes-256-ctr
EOF
	run -0 complete_words ncenc -cha
	assert_output -- -chacha20
}

@test "completion: -md completes digests" {
	run -0 complete_words ncdec -aes-256-cbc -md sha
	assert_output - <<'EOF'
sha1
sha224
sha256
sha384
sha512
EOF
}

@test "completion: -in, -out and -kfile complete file paths" {
	: >secret.txt
	: >second.bin
	run -0 complete_words ncenc -in se
	assert_output - <<'EOF'
second.bin
secret.txt
EOF
	run -0 complete_words ncdec -kfile secr
	assert_output secret.txt
	run -0 complete_words ncenc -out sec
	assert_line secret.txt
}

@test "completion: -pass completes its sources" {
	run -0 complete_words ncenc -pass e
	assert_output env:
	run -0 complete_words ncdec -pass ''
	assert_line file:
	assert_line stdin
}

@test "completion: ncdec's receiver options" {
	run -0 complete_words ncdec -det
	assert_output -- -detect
	run -0 complete_words ncdec -argon2-max
	assert_output - <<'EOF'
-argon2-max-memory
-argon2-max-time
EOF
	run -0 complete_words ncdec -header
	assert_output -- -header-timeout
}

@test "completion: openssl's -bufsize takes no completion, -rand a file" {
	: >seed.bin
	run -0 complete_words ncenc -buf
	assert_output -- -bufsize
	run -0 complete_words ncenc -bufsize ''
	assert_output ''
	run -0 complete_words ncdec -rand see
	assert_output seed.bin
}
