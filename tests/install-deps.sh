#!/usr/bin/env bash
# Installs the peers the tests need when they are missing: bats and its libraries, real
# openssl, OpenBSD nc, the shell linter and mandoc. Uses apt-get as root; otherwise says what
# to install.
set -euo pipefail

missing=()
command -v bats >/dev/null 2>&1 || missing+=(bats)
[ -d /usr/lib/bats/bats-support ] || missing+=(bats-support)
[ -d /usr/lib/bats/bats-assert ] || missing+=(bats-assert)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if ! nc -h 2>&1 | grep -q 'OpenBSD netcat'; then missing+=(netcat-openbsd); fi
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
# the man pages' linter and renderer (make man)
command -v mandoc >/dev/null 2>&1 || missing+=(mandoc)
# tools the tests drive the peers with: a pseudo-terminal (python3), process lists (ps),
# a peer that resets its connection (perl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v ps >/dev/null 2>&1 || missing+=(procps)
perl -MIO::Socket::INET -e1 >/dev/null 2>&1 || missing+=(perl)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: missing: ${missing[*]}" >&2
	echo "install-deps: hint: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# netcat-traditional may own /bin/nc: make sure nc is OpenBSD's.
if ! nc -h 2>&1 | grep -q 'OpenBSD netcat'; then
	update-alternatives --set nc /bin/nc.openbsd >/dev/null
fi
