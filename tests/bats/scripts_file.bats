#!/usr/bin/env bats
# send_file.sh / receive_file.sh: the name travels inside the encrypted stream, the file is
# saved only once checked, nothing is replaced without -f, nothing hidden is left behind.

setup() {
	load common
	scripts_setup
}
teardown() { common_teardown; }

# start_file_receiver [ARGS...]: receive_file.sh ARGS 127.0.0.1 0 in the background, stderr
# in $T/err, exit status in $T/rc; sets RPORT and R_PID.
start_file_receiver() {
	rm -f "$T/rc" "$T/err"
	spawn bash -c 'receive_file.sh -s 127.0.0.1 "${@:3}" 0 2>"$1"; echo "$?" >"$2"' _ "$T/err" "$T/rc" "$@"
	R_PID=$BG_PID
	RPORT=$(announced_port "$T/err")
	[ -n "$RPORT" ]
}

# no_leftovers DIR: nothing but what was saved: no partial file, visible or hidden.
no_leftovers() {
	run -0 find "$1" -name '*nckit-part*' -o -name '.*part*'
	assert_output ''
}

@test "file: the name travels; 8 MiB saved under it, both sides say so in one line" {
	mkdir "$T/dst" "$T/src"
	random_file "$T/src/data.bin" 8M
	start_file_receiver "$T/dst"
	run -0 --separate-stderr timeout 120 send_file.sh "$T/src/data.bin" 127.0.0.1 "$RPORT"
	assert_output ''
	[[ $stderr == "send_file.sh: sending data.bin (8.0 MiB) to 127.0.0.1:$RPORT"* ]]
	[[ $stderr =~ send_file\.sh:\ data\.bin:\ 8\.0\ MiB\ in\ [0-9.]+s,\ [0-9.]+\ [KMG]iB/s,\ sha256\ [0-9a-f]{12},\ saved\ there\ as\ data\.bin$ ]]
	run -0 status_of "$T/rc" 60
	assert_output 0
	[ "$(sha "$T/src/data.bin")" = "$(sha "$T/dst/data.bin")" ]
	run -0 tail -n 1 "$T/err"
	assert_output --regexp "^receive_file\.sh: saved $T/dst/data\.bin: 8\.0 MiB in [0-9.]+s, .*, sha256 $(sha "$T/src/data.bin" | cut -c1-12)\$"
	no_leftovers "$T/dst"
}

@test "file: FILE names the output; the openssl format works too; an empty file is a file" {
	random_file "$T/src" 100K
	start_file_receiver "$T/copy"
	run -0 timeout 60 send_file.sh "$T/src" 127.0.0.1 "$RPORT"
	run -0 status_of "$T/rc"
	assert_output 0
	cmp "$T/src" "$T/copy"
	export NCFORMAT=openssl
	: >"$T/empty"
	start_file_receiver "$T/empty.copy"
	run -0 timeout 60 send_file.sh "$T/empty" 127.0.0.1 "$RPORT"
	run -0 status_of "$T/rc"
	assert_output 0
	[ -f "$T/empty.copy" ] && [ ! -s "$T/empty.copy" ]
}

@test "file: no overwrite without -f (both sides told, nothing stuck), -f replaces" {
	mkdir "$T/dst"
	echo precious >"$T/dst/f.txt"
	echo new >"$T/f.txt"
	start_file_receiver "$T/dst"
	run -1 --separate-stderr timeout 30 send_file.sh "$T/f.txt" 127.0.0.1 "$RPORT"
	[[ $stderr == *$'\n'"send_file.sh: the receiver already has f.txt: it must use -f to replace it" ]]
	run -0 status_of "$T/rc"
	assert_output 1
	run -0 tail -n 1 "$T/err"
	assert_output "receive_file.sh: $T/dst/f.txt exists: not replaced (-f replaces it)"
	run -0 cat "$T/dst/f.txt"
	assert_output precious
	start_file_receiver -f "$T/dst"
	run -0 timeout 30 send_file.sh "$T/f.txt" 127.0.0.1 "$RPORT"
	run -0 status_of "$T/rc"
	assert_output 0
	run -0 cat "$T/dst/f.txt"
	assert_output new
	no_leftovers "$T/dst"
	# FILE given up front and existing: refused before listening
	run -1 --separate-stderr receive_file.sh "$T/dst/f.txt" 127.0.0.1 0
	[ "$stderr" = "receive_file.sh: $T/dst/f.txt exists: not replaced (-f replaces it)" ]
}

@test "file: a directory travels as tar and is saved whole" {
	mkdir -p "$T/tree/sub" "$T/dst"
	echo one >"$T/tree/one"
	random_file "$T/tree/sub/two" 300K
	start_file_receiver "$T/dst"
	run -0 timeout 60 send_file.sh "$T/tree/" 127.0.0.1 "$RPORT"
	run -0 status_of "$T/rc"
	assert_output 0
	diff -r "$T/tree" "$T/dst/tree"
	no_leftovers "$T/dst"
}

# hostile_header NAME: the native session of a sender announcing NAME, made by hand.
hostile_header() {
	local ln cn line in out pid
	rm -f "$T/raw.up" "$T/raw.down"
	mkfifo "$T/raw.up" "$T/raw.down"
	ncc -N 127.0.0.1 "$RPORT" <"$T/raw.up" >"$T/raw.down" 2>/dev/null 3>&- &
	pid=$!
	exec {in}>"$T/raw.up" {out}<"$T/raw.down"
	IFS= read -r -t 10 -u "$out" line
	ln=${line#nckit-chat1 }
	cn=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	printf 'nckit-chat1 %s\n' "$cn" >&"$in"
	printf 'nckit-hello %032d\nnckit-file1 f 3 %s %s\nabc' 0 "$(printf abc | sha256sum | cut -c1-64)" "$1" |
		ncenc "${ENC_ARGS[@]}" -label "nckit-chat1 file c2l $ln $cn" >&"$in"
	exec {in}>&-
	cat <&"$out"
	exec {out}<&-
	wait "$pid" 2>/dev/null || true
}

@test "file: names with /, .. or control characters are refused, nothing written" {
	mkdir "$T/dst"
	local name
	for name in '../escape' '/etc/passwd' '..' $'bell\aname' $'esc\e[2J' 'a/b'; do
		start_file_receiver "$T/dst"
		run hostile_header "$name"
		assert_line 'nckit-error bad-name'
		run -0 status_of "$T/rc"
		assert_output 1
		run -0 tail -n 1 "$T/err"
		assert_output --regexp '^receive_file\.sh: refused a file name from 127\.0\.0\.1:[0-9]+: '
		no_escapes "$T/err"
	done
	run -0 find "$T/dst" "$T" -maxdepth 1 -newer "$T/dst" -name '*escape*'
	assert_output ''
	run -0 ls -A "$T/dst"
	assert_output ''
	# and the sender refuses to send such a name
	: >"$T/"$'bad\033name'
	run -1 --separate-stderr send_file.sh "$T/"$'bad\033name' 127.0.0.1 1
	[[ $stderr == *"a name with control characters cannot be sent: rename it" ]]
}

@test "file: kill -9 of the receiver leaves no hidden file; the next start cleans the partial" {
	mkdir "$T/dst"
	start_file_receiver "$T/dst"
	partial_sender big
	kill_tree "$R_PID"
	partial_sender_dies
	run -0 find "$T/dst" -name '.*'
	assert_output ''
	run -0 ls "$T/dst"
	assert_output --regexp '^big\.nckit-part\.[0-9]+$'
	start_file_receiver "$T/dst"
	run -0 ls -A "$T/dst"
	assert_output ''
}

@test "file: unwritable and special output paths: one clear line before listening" {
	run -1 --separate-stderr receive_file.sh /dev/full 127.0.0.1 0
	[ "$stderr" = "receive_file.sh: /dev/full: not a regular file or a directory" ]
	run -1 --separate-stderr receive_file.sh /proc/out.bin 127.0.0.1 0
	[ "$stderr" = "receive_file.sh: /proc: not a writable directory" ]
	run -1 --separate-stderr receive_file.sh "$T/no/such/dir/out" 127.0.0.1 0
	[ "$stderr" = "receive_file.sh: $T/no/such/dir: not a writable directory" ]
	run -1 --separate-stderr send_file.sh "$T/nope" 127.0.0.1 1
	[ "$stderr" = "send_file.sh: $T/nope: no such file or directory" ]
	run -1 --separate-stderr send_file.sh /dev/null 127.0.0.1 1
	[ "$stderr" = "send_file.sh: /dev/null: not a regular file or a directory" ]
	run -2 --separate-stderr receive_file.sh a b 1 2
	[[ $stderr == "receive_file.sh: unexpected argument: 2"* ]]
}

@test "file: disk full on the receiving side is said on both sides" {
	mkdir "$T/small"
	mount -t tmpfs -o size=256k tmpfs "$T/small" 2>/dev/null || skip "cannot mount a small tmpfs here"
	random_file "$T/big" 1M
	start_file_receiver "$T/small"
	run -1 --separate-stderr timeout 60 send_file.sh "$T/big" 127.0.0.1 "$RPORT"
	local sender_err=$stderr
	run -0 status_of "$T/rc"
	assert_output 1
	run -0 tail -n 1 "$T/err"
	umount "$T/small"
	assert_output "receive_file.sh: disk full: $T/small/big not written"
	[[ $sender_err == *$'\n'"send_file.sh: disk full on the receiving side" ]]
}

@test "file: a sender killed mid-stream: refused, nothing written" {
	mkdir "$T/dst"
	start_file_receiver "$T/dst"
	partial_sender src
	partial_sender_dies
	run -0 status_of "$T/rc"
	assert_output 1
	run -0 tail -n 1 "$T/err"
	assert_output "receive_file.sh: the transfer broke off (the sender stopped or the connection broke): $T/dst/src not written"
	[ ! -e "$T/dst/src" ]
	no_leftovers "$T/dst"
}

@test "file: the native receiver refuses an openssl-format stream" {
	random_file "$T/src" 10K
	start_file_receiver "$T/copy"
	NCFORMAT=openssl run -1 timeout 60 send_file.sh "$T/src" 127.0.0.1 "$RPORT"
	[ ! -e "$T/copy" ]
	still_running "$R_PID"
}
