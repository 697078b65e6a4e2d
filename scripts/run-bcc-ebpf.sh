#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The real-world test set of `bcctool run`: every BCC tool's program, as Debian's bpfcc-tools
# print it with `TOOL-bpfcc --ebpf`, through `bcctool run --load-only` (rewrite, compile,
# verifier) on this kernel. Prints one line per program (ok, or FAIL and the first error line),
# then the count. Tools that print no program without arguments are not counted.
# Some tools print their program before BCC has filled all of its template tokens: where BCC's
# default filling (the one it does without options) is a constant or nothing, this script fills
# it the same way and says so on the tool's line ("filled: ..."); a token whose filling is code
# (filegone, filelife: the probe function's header) is left, and the program fails.
#
#   scripts/run-bcc-ebpf.sh [BCCTOOL] [TOOL...]     (root; needs bpfcc-tools)
set -u
BCCTOOL=${1:-build/bcctool}
shift || true
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tools=("$@")
if [ ${#tools[@]} -eq 0 ]; then
    for t in /usr/sbin/*-bpfcc; do tools+=("$(basename "$t" -bpfcc)"); done
fi
ok=0 n=0 failed=()
for t in "${tools[@]}"; do
    timeout 10 "/usr/sbin/$t-bpfcc" --ebpf </dev/null >"$dir/raw.c" 2>/dev/null
    # a program, not a usage message or an error: at least one BPF function or map
    grep -qE '^(BPF_|TRACEPOINT_PROBE|RAW_TRACEPOINT_PROBE|KFUNC_PROBE|int [a-z_0-9]+\()' \
        "$dir/raw.c" || continue
    # BCC prints a banner (Tracing..., Unable to find kernel headers...) before some programs
    # and some print a message after it (offcputime: "ERROR: Exiting")
    awk 'started || /^[[:space:]]*$|^[#\/]|^(struct|typedef|enum|union|static|int|u32|u64|BPF_|TRACEPOINT_PROBE|KFUNC|RAW_)/ { started = 1 } started' \
        "$dir/raw.c" | sed -E '${/^[A-Z]+: /d}' >"$dir/$t.c"
    n=$((n + 1))
    defs=() filled=""
    case $t in
    cpudist | runqslower) defs=(-D MAX_PID=4194304) filled="MAX_PID" ;;
    biotop) # __RQ_DISK__: filled after --ebpf, q->disk on a kernel without request.rq_disk
        defs=(-D FILTER_PID=0) filled="FILTER_PID __RQ_DISK__"
        sed -i 's/__RQ_DISK__/q->disk/g' "$dir/$t.c"
        ;;
    tcpdrop) defs=(-D FILTER_FAMILY=) filled="FILTER_FAMILY" ;;
    esac
    # ##NAME## tokens: BCC's default filling is nothing
    tokens=$(grep -oE '##[A-Z_]+##' "$dir/$t.c" | sort -u | tr '\n' ' ')
    if [ -n "$tokens" ]; then
        sed -i -E 's/##[A-Z_]+##//g' "$dir/$t.c"
        filled="$filled ${tokens% }"
    fi
    if "$BCCTOOL" run --load-only "${defs[@]}" "$dir/$t.c" >/dev/null 2>"$dir/$t.err"; then
        ok=$((ok + 1))
        echo "ok    $t${filled:+ (filled: ${filled# })}"
    else
        why=$(grep -m1 -E 'error|cannot|invalid|failed' "$dir/$t.err" || head -1 "$dir/$t.err")
        echo "FAIL  $t: ${why//$dir\//}"
        failed+=("$t")
    fi
done
echo "$ok of $n BCC tool programs load with bcctool run --load-only"
[ "$ok" -eq "$n" ]
