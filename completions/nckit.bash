# shellcheck shell=bash
# bash completion for nckit's ncl, ncc, ncenc and ncdec: flags, and the values of the options
# that have a small set of them (ciphers, digests, password sources), files and hosts.
# Installed once per command name under share/bash-completion/completions, where
# bash-completion finds it on first use; or source it from ~/.bashrc.
# man/man_test.go checks the flag lists below against the flags each command accepts.

_nckit_ncl_flags='-4 -6 -d -h -k -l -N -n -p -q -s -U -u -V -v -w
	--deadline --each --help --max --socket-mode --version'
_nckit_ncc_flags='-4 -6 -d -h -N -n -p -q -s -U -u -V -v -w -z
	--help --retry --version'
_nckit_ciphers='-aes-128-cbc -aes-128-ctr -aes-192-cbc -aes-192-ctr -aes-256-cbc
	-aes-256-ctr -aes128 -aes192 -aes256 -chacha20'
# ncenc -d is ncdec, and ncdec -e is ncenc: one set of options
_nckit_ncenc_flags="-A -a -argon2-max-memory -argon2-max-time -argon2-memory -argon2-threads
	-argon2-time -base64 -bufsize -d -detect -e -h -header-timeout -help -in -iter -iv -K -k
	-kfile -label -md -message-timeout -native -nopad -nosalt -out -P -p -pass -pbkdf2 -rand
	-S -salt -V -v -version $_nckit_ciphers"
_nckit_ncdec_flags=$_nckit_ncenc_flags
_nckit_digests='md5 sha1 sha224 sha256 sha384 sha512'

# _nckit_reply WORDS: COMPREPLY = the words that start with $cur.
_nckit_reply() {
	local w
	COMPREPLY=()
	for w in $1; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

# _nckit_files: COMPREPLY = the paths that start with $cur, directories with a slash.
_nckit_files() {
	local f
	COMPREPLY=()
	while IFS= read -r f; do
		[ -d "$f" ] && f+=/
		COMPREPLY+=("$f")
	done < <(compgen -f -- "$cur")
	[ ${#COMPREPLY[@]} -eq 1 ] && [[ ${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null
	return 0
}

_nckit_nc() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd=${COMP_WORDS[0]##*/} flags i operands=0 unix=0
	case $cmd in
	ncl) flags=$_nckit_ncl_flags ;;
	*) flags=$_nckit_ncc_flags ;;
	esac
	case $prev in
	--each)
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		return 0
		;;
	-s)
		mapfile -t COMPREPLY < <(compgen -A hostname -- "$cur")
		return 0
		;;
	-p | -q | -w | --max | --deadline | --retry | --socket-mode)
		COMPREPLY=()
		return 0
		;;
	esac
	if [[ $cur == -* ]]; then
		_nckit_reply "$flags"
		return 0
	fi
	# count the operands before the cursor, skipping the values of options that take one
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-p | -q | -s | -w | --max | --deadline | --retry | --socket-mode | --each) ((i++)) ;;
		-*U*) unix=1 ;;
		-*) ;;
		*) ((operands++)) ;;
		esac
	done
	if ((unix)); then
		_nckit_files
	elif [ "$cmd" = ncc ] && ((operands == 0)); then
		mapfile -t COMPREPLY < <(compgen -A hostname -- "$cur")
	else
		COMPREPLY=()
	fi
	return 0
}

_nckit_enc() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local flags=$_nckit_ncenc_flags
	[ "${COMP_WORDS[0]##*/}" = ncdec ] && flags=$_nckit_ncdec_flags
	case $prev in
	-in | -out | -kfile | -rand)
		_nckit_files
		return 0
		;;
	-md)
		_nckit_reply "$_nckit_digests"
		return 0
		;;
	-pass)
		_nckit_reply 'pass: env: file: fd: stdin'
		[[ ${COMPREPLY[0]-} == *: ]] && compopt -o nospace 2>/dev/null
		return 0
		;;
	-k | -label | -iter | -S | -K | -iv | -bufsize | -argon2-* | -header-timeout | \
		-message-timeout)
		COMPREPLY=()
		return 0
		;;
	esac
	_nckit_reply "$flags"
	return 0
}

complete -F _nckit_nc ncl ncc
complete -F _nckit_enc ncenc ncdec
