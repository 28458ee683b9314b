#!/usr/bin/env bash
# Alternates builds of the native pipeline round by round (rotated order), each round a full
# transfer of FILE under GNU time (bench/profile.sh time), and prints the medians: wall time,
# and user/system time per process.
#
# Usage: bench/proto/ab.sh ROUNDS FILE VARIANT...
#   VARIANT = NAME:BINDIR[:ENV=V,ENV=V[:ncenc flags]]; BINDIR may be "nc" or "openssl"
# Example: bench/proto/ab.sh 7 /tmp/in256 base:bin: all:/tmp/p-all/bin: nc:nc:
set -euo pipefail
rounds=$1 file=$2
shift 2
profile=$(cd "$(dirname "$0")/.." && pwd)/profile.sh
res=$(mktemp -d "${TMPDIR:-/tmp}/ab.XXXXXX")
trap 'rm -rf "$res"' EXIT
vs=("$@")
n=${#vs[@]}
for ((r = 0; r < rounds; r++)); do
	for ((k = 0; k < n; k++)); do
		v=${vs[$(((k + r) % n))]}
		IFS=: read -r name bin envs flags <<<"$v"
		out=$res/$name.$r
		(
			if [ -n "$envs" ]; then
				IFS=,
				for e in $envs; do export "${e?}"; done
				unset IFS
			fi
			# shellcheck disable=SC2086 # flags is a list of words on purpose
			"$profile" time "$file" "$out" "$bin" -- $flags >"$out.wall"
		)
	done
done
for v in "${vs[@]}"; do
	IFS=: read -r name _ <<<"$v"
	python3 - "$res" "$name" "$rounds" <<'PY'
import glob, os, statistics as st, sys
res, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
walls, cpu, per = [], [], {}
for r in range(rounds):
    d = f"{res}/{name}.{r}"
    walls.append(float(open(d + ".wall").read().split()[1]))
    tot = 0
    for f in sorted(glob.glob(d + "/*.time")):
        _, u, s, _ = open(f).read().split()[-4:]
        per.setdefault(os.path.basename(f)[:-5], []).append((float(u), float(s)))
        tot += float(u) + float(s)
    cpu.append(tot)
pp = " ".join(f"{p} {st.median(x[0] for x in v):.2f}u/{st.median(x[1] for x in v):.2f}s"
              for p, v in per.items())
print(f"{name:14s} wall median {st.median(walls):.3f} best {min(walls):.3f}  "
      f"cpu median {st.median(cpu):.2f}  [{pp}]")
PY
done
