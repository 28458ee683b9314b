#!/usr/bin/env bats
# Every password source of ncenc/ncdec, each checked against real openssl reading the same
# source, plus nckit's additions (bare literal, NCPASS) and the no-terminal failure.

setup() {
	load common
	common_setup
	D=$BATS_TEST_TMPDIR
	printf 'hello world\n' >"$D/pt"
}

teardown() {
	common_teardown
}

OPTS=(-aes-256-cbc -pbkdf2 -a)

# roundtrip_openssl NCENC_PW_ARGS -- OPENSSL_PW_ARGS: ncenc with one, openssl with the other.
check_with_openssl() {
	local i nc=() os=()
	for ((i = 1; i <= $#; i++)); do
		[ "${!i}" = -- ] && break
		nc+=("${!i}")
	done
	os=("${@:i+1}")
	ncenc "${OPTS[@]}" "${nc[@]}" -in "$D/pt" >"$D/ct" || fail "ncenc ${nc[*]}"
	run -0 openssl enc -d "${OPTS[@]}" "${os[@]}" -in "$D/ct"
	assert_output "hello world"
	openssl enc "${OPTS[@]}" "${os[@]}" -in "$D/pt" >"$D/ct2"
	run -0 ncdec "${OPTS[@]}" "${nc[@]}" -in "$D/ct2"
	assert_output "hello world"
}

@test "password: pass:STR, including colons" {
	check_with_openssl -pass pass:chatpassword -- -pass pass:chatpassword
	check_with_openssl -pass pass:a:b -- -pass pass:a:b
}

@test "password: env:VAR" {
	export PW='s3cret with spaces'
	check_with_openssl -pass env:PW -- -pass env:PW
}

@test "password: file:PATH takes the first line, keeps a CR, and refuses an empty file" {
	printf 'filepass\nsecond\n' >"$D/pw"
	check_with_openssl -pass "file:$D/pw" -- -pass "file:$D/pw"
	printf 'crpass\r\n' >"$D/pwcr"
	check_with_openssl -pass "file:$D/pwcr" -- -pass "pass:crpass"$'\r'
	: >"$D/empty"
	run -1 --separate-stderr ncenc "${OPTS[@]}" -pass "file:$D/empty" -in "$D/pt"
	[[ $stderr == "ncenc: cannot read password: file $D/empty is empty" ]]
	run -1 ncenc "${OPTS[@]}" -pass "file:$D/missing" -in "$D/pt"
}

@test "password: fd:N reads the first line of a descriptor" {
	ncenc "${OPTS[@]}" -pass fd:5 -in "$D/pt" 5<<<"fdpass" >"$D/ct"
	run -0 openssl enc -d "${OPTS[@]}" -pass fd:5 -in "$D/ct" 5<<<"fdpass"
	assert_output "hello world"
	openssl enc "${OPTS[@]}" -pass fd:7 -in "$D/pt" 7<<<"fdpass" >"$D/ct2"
	run -0 ncdec "${OPTS[@]}" -pass fd:7 -in "$D/ct2" 7<<<"fdpass"
	assert_output "hello world"
}

@test "password: stdin takes the first line and the rest is the data" {
	printf 'stdinpass\nhello world\n' | ncenc "${OPTS[@]}" -pass stdin >"$D/ct"
	run -0 openssl enc -d "${OPTS[@]}" -pass pass:stdinpass -in "$D/ct"
	assert_output "hello world"
	printf 'stdinpass\nhello world\n' | openssl enc "${OPTS[@]}" -pass stdin >"$D/ct2"
	run -0 ncdec "${OPTS[@]}" -pass pass:stdinpass -in "$D/ct2"
	assert_output "hello world"
}

@test "password: a bare -pass STR is the literal password (openssl would refuse it)" {
	check_with_openssl -pass chatpassword -- -pass pass:chatpassword
	check_with_openssl -pass 'my pass' -- -pass 'pass:my pass'
	check_with_openssl -pass 12:34 -- -pass pass:12:34
}

@test "password: -k and -kfile, which beat -pass" {
	check_with_openssl -k kpass -- -k kpass
	check_with_openssl -k kpass -pass pass:other -- -pass pass:kpass
	printf 'kfilepass\r\nrest\n' >"$D/kf"
	check_with_openssl -kfile "$D/kf" -- -kfile "$D/kf"
	check_with_openssl -kfile "$D/kf" -pass pass:other -- -pass pass:kfilepass
	printf '\n' >"$D/kfempty"
	run -1 ncenc "${OPTS[@]}" -kfile "$D/kfempty" -in "$D/pt"
}

@test "password: NCPASS when no option is given, options beat it" {
	NCPASS=envpass ncenc "${OPTS[@]}" -in "$D/pt" >"$D/ct"
	run -0 openssl enc -d "${OPTS[@]}" -pass pass:envpass -in "$D/ct"
	assert_output "hello world"
	NCPASS=wrong ncenc "${OPTS[@]}" -pass pass:right -in "$D/pt" >"$D/ct"
	run -0 env NCPASS=right ncdec "${OPTS[@]}" -in "$D/ct"
	assert_output "hello world"
}

@test "password: no source and no terminal fails at once with a hint, never waits" {
	run -1 --separate-stderr setsid -w ncenc "${OPTS[@]}" -in "$D/pt"
	assert_output ""
	[[ $stderr == "ncenc: no password given and no terminal to ask on: "* ]]
	[[ $stderr == *$'\n'"ncenc: hint: give one with -pass env:VAR"* ]]
	run -1 --separate-stderr setsid -w ncdec -in "$D/pt"
	[[ $stderr == "ncdec: no password given and no terminal to ask on: "* ]]
}

@test "password: the terminal prompt asks twice without echo, on /dev/tty" {
	command -v python3 >/dev/null || skip "python3 is needed to drive a pseudo-terminal"
	run -0 python3 - "$(command -v ncenc)" "$D/pt" "$D/ct" <<'PY'
import os, pty, sys
ncenc, pt, ct = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(ncenc, [ncenc, "-aes-256-cbc", "-pbkdf2", "-a", "-in", pt, "-out", ct])
seen = b""
def until(s):
    global seen
    while s not in seen:
        seen += os.read(fd, 1024)
until(b"enter AES-256-CBC encryption password:")
os.write(fd, b"ttypass\n")
until(b"Verifying - enter AES-256-CBC encryption password:")
os.write(fd, b"ttypass\n")
try:
    while True:
        b = os.read(fd, 1024)
        if not b:
            break
        seen += b
except OSError:
    pass
_, status = os.waitpid(pid, 0)
if b"ttypass" in seen:
    sys.exit("password echoed: %r" % seen)
sys.exit(os.waitstatus_to_exitcode(status))
PY
	run -0 openssl enc -d "${OPTS[@]}" -pass pass:ttypass -in "$D/ct"
	assert_output "hello world"
}
