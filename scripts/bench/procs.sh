#!/bin/bash
# execsnoop and syscount beside libbpf-tools' binaries of the same names, in one run:
#   ready_ms    exec until every BPF link is attached (test/workloads/attachwait polls the
#               tracer's fds; bcctool on a cache hit)
#   peak/trace  VmHWM when ready and VmRSS while tracing, MiB
#   stop_ms     SIGINT to exit
# and for syscount, which sees every syscall on the machine, what tracing adds to each syscall
# of a getpid loop (syscaller: CPU per call, user + system, traced minus untraced), with the
# floor: an empty raw tracepoint program on sys_exit, the one event bcctool's syscount uses
# (loaded by bcctool run: bpftrace 0.17 has no raw tracepoints, and its tracepoint programs
# cost more than raw ones), which is the least any program seeing every syscall adds.
# Medians over RUNS runs (default 10; CALLS getpid calls per slowdown run, default 2000000).
set -u
. "$(dirname "$0")/lib.sh"
: "${BCCTOOL:?set BCCTOOL}"
RUNS=${RUNS:-10}
CALLS=${CALLS:-2000000}
for w in attachwait syscaller; do
	[ -x "$W/$w" ] || { echo "bench: $W/$w is not built (make)" >&2; exit 1; }
done
bench_tmp
export BCCTOOL_CACHE_DIR=$BENCH_TMP/cache
mkdir -m 0700 "$BCCTOOL_CACHE_DIR"

echo "== startup and memory (medians of $RUNS runs; bcctool on a cache hit)"
startup_header
for tool in execsnoop syscount; do
	"$BCCTOOL" "$tool" -d 1 >/dev/null 2>&1 # fill the cache
	[ -x "/usr/sbin/$tool" ] && startup_row "$tool" libbpf-tools "/usr/sbin/$tool"
	startup_row "$tool" bcctool "$BCCTOOL" "$tool"
done
for tool in execsnoop syscount; do
	startup_verdict "$tool"
done
echo


printf 'RAW_TRACEPOINT_PROBE(sys_exit) { return 0; }\n' >"$BENCH_TMP/empty.c"
FLOOR_CMD="$BCCTOOL run $BENCH_TMP/empty.c" FLOOR_LINKS=1 slowdown "syscount (getpid loop)" \
	"$CALLS" "" syscount /usr/sbin/syscount -- "$W/syscaller" -n "$CALLS" getpid
