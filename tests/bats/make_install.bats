#!/usr/bin/env bats
# make install / uninstall honour PREFIX and DESTDIR, and installed scripts find their
# shared configuration file.

setup() {
	load common
	common_setup
}

teardown() {
	common_teardown
}

@test "make install and uninstall honour DESTDIR and PREFIX" {
	local d=$BATS_TEST_TMPDIR/dest p
	run -0 make -s -C "$NCKIT_ROOT" install DESTDIR="$d" PREFIX=/opt/nck
	p=$d/opt/nck
	for b in ncl ncc ncenc ncdec; do
		[ -x "$p/bin/$b" ]
		[ -f "$p/share/man/man1/$b.1" ]
		[ -f "$p/share/bash-completion/completions/$b" ]
	done
	[ -f "$p/share/man/man7/nckit.7" ]
	[ -x "$p/share/nckit/scripts/secure_sender.sh" ]
	[ -f "$p/share/nckit/scripts/nckit-common.sh" ]
	# each script is on PATH through a link to its installed copy; the shared file is not
	for s in "$NCKIT_ROOT"/scripts/*.sh; do
		s=${s##*/}
		[ "$s" = nckit-common.sh ] && continue
		[ "$(readlink "$p/bin/$s")" = /opt/nck/share/nckit/scripts/$s ]
	done
	[ ! -e "$p/bin/nckit-common.sh" ]
	# the installed pages are the checkout's, and they render
	cmp "$NCKIT_ROOT/man/ncl.1" "$p/share/man/man1/ncl.1"
	run -0 mandoc -T utf8 "$p/share/man/man7/nckit.7"
	# an installed script runs through a symlink and finds nckit-common.sh beside itself
	ln -s "$p/share/nckit/scripts/send_file.sh" "$BATS_TEST_TMPDIR/send"
	run -0 "$BATS_TEST_TMPDIR/send" -h
	[[ $output == *send_file.sh* ]]
	run -0 make -s -C "$NCKIT_ROOT" uninstall DESTDIR="$d" PREFIX=/opt/nck
	run -0 find "$d" '(' -type f -o -type l ')' -print
	assert_output ''
}
