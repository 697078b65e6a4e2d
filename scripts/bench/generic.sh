#!/bin/bash
# The generic tools (issue 15) beside bpftrace, in one run:
#   startup   exec until tracing, on a cache miss (--no-cache) and a hit: funccount on the
#             wildcard t:syscalls:sys_enter_* (300+ tracepoints) against bpftrace's
#             "tracepoint:syscalls:sys_enter_* { @[probe] = count(); }", and trace with a
#             tracepoint and a format string against the same bpftrace printf one-liner.
#             Ready = holding one BPF link per tracepoint for bcctool, one perf event per
#             tracepoint for bpftrace (attachwait -P: it attaches without BPF links), calibrated
#             per tracer. bcctool opens its perf events ahead, while it compiles, and attaches
#             each by a link: its perf events are no sign of tracing. `run` of a BCC-dialect
#             program (test/fixtures/run/exec.c) against the same bpftrace printf one-liner.
#   uprobe    the CPU per call of a hot user function (usdtdemo's demo_work) untraced, under
#             bcctool funccount and under bpftrace's count() on the same uprobe.
# Medians over RUNS runs (default 5); ratios within the run, never absolute times.
# Environment: RUNS, CALLS (usdtdemo's loop, default 200000).
set -u
. "$(dirname "$0")/lib.sh"
: "${BCCTOOL:?set BCCTOOL}"
RUNS=${RUNS:-5}
CALLS=${CALLS:-200000}
for w in attachwait usdtdemo; do
	[ -x "$W/$w" ] || { echo "bench: $W/$w is not built (make)" >&2; exit 1; }
done
command -v bpftrace >/dev/null || { echo "bench: generic: needs bpftrace to compare" >&2; exit 0; }
bench_tmp
export BCCTOOL_CACHE_DIR=$BENCH_TMP/cache
mkdir -m 0700 "$BCCTOOL_CACHE_DIR"
has_tool() { "$BCCTOOL" --list | awk '{ print $1 }' | grep -qx "$1"; }

# ready_ms LABEL CMD...: median ms from exec until CMD holds its calibrated BPF links (bpftrace:
# perf events)
declare -A MS
ready_ms() {
	local label=$1 k i P=
	shift
	[ "$1" = bpftrace ] && P=-P
	k=$("$W/attachwait" $P -- "$@" | sed -n 's/.* links=\([0-9]*\).*/\1/p')
	[ "${k:-0}" -gt 0 ] || { echo "bench: $label did not attach" >&2; return 0; }
	: >"$BENCH_TMP/r"
	for ((i = 0; i < RUNS; i++)); do
		"$W/attachwait" $P -k "$k" -- "$@" | sed -n 's/^ready_us=\([0-9]*\).*/\1/p' >>"$BENCH_TMP/r"
		sleep 0.2
	done
	MS[$label]=$(awk '{ print $1 / 1000 }' "$BENCH_TMP/r" | median)
	printf '%-44s %6d %10.1f\n' "$label" "$k" "${MS[$label]}"
}

echo "== startup: exec until tracing (medians of $RUNS runs)"
printf '%-44s %6s %10s\n' tracer probes ready_ms
wild='t:syscalls:sys_enter_*'
ready_ms "funccount $wild (miss)" "$BCCTOOL" funccount --no-cache "$wild"
ready_ms "funccount $wild (hit)" "$BCCTOOL" funccount "$wild"
ready_ms "bpftrace sys_enter_* count()" bpftrace -e 'tracepoint:syscalls:sys_enter_* { @[probe] = count(); }'
echo "funccount wildcard miss/bpftrace: $(ratio "${MS[funccount $wild (miss)]:-0}" \
	"${MS[bpftrace sys_enter_* count()]:-0}") (target <= 0.3)"
if has_tool trace; then
	ready_ms "trace openat \"%s\" (miss)" "$BCCTOOL" trace --no-cache \
		't:syscalls:sys_enter_openat "%s", args->filename'
	ready_ms "trace openat \"%s\" (hit)" "$BCCTOOL" trace \
		't:syscalls:sys_enter_openat "%s", args->filename'
	ready_ms "bpftrace openat printf" bpftrace -e \
		'tracepoint:syscalls:sys_enter_openat { printf("%s\n", str(args->filename)); }'
	echo "trace miss/bpftrace: $(ratio "${MS[trace openat \"%s\" (miss)]:-0}" \
		"${MS[bpftrace openat printf]:-0}") (target <= 0.3)"
else
	echo "bench: no trace command yet: its startup is not measured" >&2
fi
if has_tool run; then
	# a BCC-dialect program (exec events with strings, perf output, printk) through run
	prog=$(dirname "$0")/../../test/fixtures/run/exec.c
	ready_ms "run exec.c (miss)" "$BCCTOOL" run --no-cache "$prog"
	ready_ms "run exec.c (hit)" "$BCCTOOL" run "$prog"
	ready_ms "bpftrace exec printf" bpftrace -e \
		'tracepoint:sched:sched_process_exec { printf("%d %s %s\n", pid, comm, str(args->filename)); }'
	echo "run miss/bpftrace: $(ratio "${MS[run exec.c (miss)]:-0}" \
		"${MS[bpftrace exec printf]:-0}") (target <= 0.3)"
fi
echo

echo "== uprobe: CPU per call of usdtdemo's demo_work ($CALLS calls, medians of $RUNS runs)"
for t in none bcctool bpftrace; do : >"$BENCH_TMP/$t"; done
for ((r = 0; r < RUNS; r++)); do
	cpu_ns_per_op "$CALLS" "$W/usdtdemo" "$CALLS" >>"$BENCH_TMP/none"
	traced_cpu 0 1 "$CALLS" "$BCCTOOL" funccount "$W/usdtdemo:demo_work" -- \
		"$W/usdtdemo" "$CALLS" >>"$BENCH_TMP/bcctool"
	traced_cpu 0 1 "$CALLS" bpftrace -e "uprobe:$W/usdtdemo:demo_work { @ = count(); }" -- \
		"$W/usdtdemo" "$CALLS" >>"$BENCH_TMP/bpftrace"
done
none=$(median <"$BENCH_TMP/none")
printf '%-12s %12s %12s\n' tracer ns_per_call added_ns
for t in none bcctool bpftrace; do
	m=$(grep -v nan "$BENCH_TMP/$t" | median)
	printf '%-12s %12.1f %12.1f\n' "$t" "$m" "$(awk -v a="$m" -v b="$none" 'BEGIN { print a - b }')"
	eval "M_$t=$m"
done
echo "funccount uprobe added cost / bpftrace's: $(ratio "$(awk -v a="$M_bcctool" -v b="$none" \
	'BEGIN { print a - b }')" "$(awk -v a="$M_bpftrace" -v b="$none" 'BEGIN { print a - b }')") (target <= 1.0)"
