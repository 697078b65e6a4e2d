#!/bin/sh
# Every bpf-src/*.bpf.c must compile through bcctool's own engine (no kernel, no root needed).
set -eu
: "${BCCTOOL:?set BCCTOOL to the bcctool binary}"
rc=0
for f in bpf-src/*.bpf.c; do
	[ -e "$f" ] || continue
	if ! "$BCCTOOL" __compile --no-cache "$f" >/dev/null; then
		echo "check-bpf: $f does not compile" >&2
		rc=1
	fi
done
exit $rc
