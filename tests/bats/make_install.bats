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
	local d=$BATS_TEST_TMPDIR/dest
	run -0 make -s -C "$NCKIT_ROOT" install DESTDIR="$d" PREFIX=/opt/nck
	for b in ncl ncc ncenc ncdec; do
		[ -x "$d/opt/nck/bin/$b" ]
	done
	[ -x "$d/opt/nck/share/nckit/scripts/secure_sender.sh" ]
	[ -f "$d/opt/nck/share/nckit/scripts/nckit-common.sh" ]
	# an installed script runs through a symlink and finds nckit-common.sh beside itself
	ln -s "$d/opt/nck/share/nckit/scripts/send_file.sh" "$BATS_TEST_TMPDIR/send"
	run -0 "$BATS_TEST_TMPDIR/send" -h
	[[ $output == *send_file.sh* ]]
	run -0 make -s -C "$NCKIT_ROOT" uninstall DESTDIR="$d" PREFIX=/opt/nck
	[ -z "$(find "$d" -type f)" ]
}
