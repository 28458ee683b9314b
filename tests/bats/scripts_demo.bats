#!/usr/bin/env bats
# `make demo` (tests/demo.sh) keeps working: every step passes.

setup() {
	load common
	common_setup
}
teardown() { common_teardown; }

@test "demo: every step passes, without colour when not on a terminal" {
	run -0 --separate-stderr timeout 300 bash "$NCKIT_ROOT/tests/demo.sh"
	assert_output --partial 'nckit demo: all 5 steps passed'
	refute_output --partial $'\033['
	[ -z "$stderr" ]
}
