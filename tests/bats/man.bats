#!/usr/bin/env bats
# The man pages are the reference: they lint clean, render, carry the sections a Unix user
# looks for, and open with man -l from the checkout. That they name every option each command
# accepts is man/man_test.go's job (Go, against the flag definitions).

setup() {
	load common
	common_setup
}

teardown() {
	common_teardown
}

pages() {
	printf '%s\n' "$NCKIT_ROOT"/man/ncl.1 "$NCKIT_ROOT"/man/ncc.1 "$NCKIT_ROOT"/man/ncenc.1 \
		"$NCKIT_ROOT"/man/ncdec.1 "$NCKIT_ROOT"/man/nckit.7
}

@test "man: every page lints clean with mandoc, warnings included" {
	run -0 mandoc -T lint -W warning $(pages)
	assert_output ''
}

@test "man: every page renders" {
	local p
	for p in $(pages); do
		run -0 mandoc -T utf8 "$p"
		[ "${#lines[@]}" -gt 50 ]
	done
}

@test "man: the command pages have the sections Unix users expect" {
	local p s
	for p in ncl ncc ncenc ncdec; do
		for s in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT 'EXIT STATUS' EXAMPLES \
			'SEE ALSO' 'SECURITY CONSIDERATIONS'; do
			grep -qx ".Sh $s" "$NCKIT_ROOT/man/$p.1" || fail "$p.1 has no section $s"
		done
	done
	for p in ncl ncc; do
		grep -qx '.Sh DATA TRANSFER' "$NCKIT_ROOT/man/$p.1" || fail "$p.1 has no DATA TRANSFER"
	done
	for s in 'THE SCRIPTS' 'THE TWO FORMATS' 'SECURITY MODEL' 'DIFFERENCES FROM NC' \
		'DIFFERENCES FROM OPENSSL ENC'; do
		grep -qx ".Sh $s" "$NCKIT_ROOT/man/nckit.7" || fail "nckit.7 has no section $s"
	done
}

@test "man: man -l opens a page from the checkout" {
	command -v man >/dev/null || skip "man is not installed"
	run -0 env MANPAGER=cat MANWIDTH=80 man -l "$NCKIT_ROOT/man/ncl.1"
	assert_output --partial 'ncl'
	assert_output --partial '--each'
}

@test "man: every relative link in README.md names a file of the checkout" {
	local link
	while read -r link; do
		[ -e "$NCKIT_ROOT/${link%%#*}" ] || fail "README.md links to missing $link"
	done < <(grep -oE '\]\([^)#:]+(#[^)]*)?\)' "$NCKIT_ROOT/README.md" | sed -E 's/^\]\(//; s/\)$//')
}
