#!/usr/bin/env bash
# Runs the nckit benchmark harness (bench/cmd/nckbench) against openssl + nc on this
# machine and writes its tables into docs/BENCHMARKS.md. `make bench` calls it after
# `make build` and tests/install-deps.sh.
#
# Environment:
#   NCKBENCH_ARGS  extra harness flags, e.g. NCKBENCH_ARGS='-sizes 1M:1,64M:1' for a quick run
#                  (see `cd bench && go run ./cmd/nckbench -h`)
#
# bench/ is its own Go module (nothing in it is part of the product): its tests run with
# `cd bench && go test ./...`, which `make bench` does first.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in openssl nc go; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "bench: $tool is not installed (run make deps)" >&2
		exit 1
	fi
done

# GNU time reports each process's own peak RSS (see bench/cmd/nckbench/proc.go).
if ! /usr/bin/time --version 2>&1 | grep -q GNU; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "bench: installing GNU time" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null ||
			echo "bench: could not install GNU time: RSS figures will include the harness" >&2
	else
		echo "bench: GNU time missing (apt-get install time): RSS figures will include the harness" >&2
	fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nckbench-run.XXXXXX")
pid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	# The harness kills every process it started; stop it first if we are interrupted.
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

(cd bench && go build -o "$work/nckbench" ./cmd/nckbench)
# shellcheck disable=SC2086 # NCKBENCH_ARGS is a list of flags on purpose
"$work/nckbench" -bin bin -out docs/BENCHMARKS.md ${NCKBENCH_ARGS:-} &
pid=$!
status=0
wait "$pid" || status=$?
pid=
exit "$status"
