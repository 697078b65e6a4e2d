#!/bin/bash
# make bench: runs every scripts/bench/*.sh part (or those named: run.sh startup opensnoop).
set -u
dir=$(dirname "$0")
: "${BCCTOOL:?set BCCTOOL to the bcctool binary}"
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (loads BPF)" >&2; exit 1; }
parts=("$@")
if [ ${#parts[@]} -eq 0 ]; then
	for f in "$dir"/*.sh; do
		case $(basename "$f") in run.sh | lib.sh) continue ;; esac
		parts+=("$(basename "$f" .sh)")
	done
fi
rc=0
for p in "${parts[@]}"; do
	bash "$dir/$p.sh" || rc=1
	echo
done
exit $rc
