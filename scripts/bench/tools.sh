#!/bin/bash
# Storage, network and scheduler tools beside libbpf-tools' binaries (and bpftrace where
# libbpf-tools has no such tool or cannot attach here), in one run:
#   startup     biosnoop, tcplife, runqlat: exec until attached, peak and tracing RSS (startup_row)
#   slowdown    a hot loop's CPU per operation, untraced, under the floor (an empty bpftrace
#               program on the events bcctool uses), under bcctool and under libbpf-tools:
#               vfsstat and filetop on a read(2)/write(2) loop (rwer), tcplife on loopback TCP
#               sessions (tcpcs), runqlat and profile on pipe round trips pinned to one CPU
#               (pingpong: two context switches each)
#   stacks      time from SIGINT to exit of profile holding many distinct user stacks (stacker:
#               2^DEPTH of them), bcctool against bpftrace (Debian's libbpf-tools has no profile)
# Medians over RUNS runs (default 5); ratios within the run, never absolute times.
# Environment: RUNS, OPS (read/write loop calls, default 400000), SESSIONS (tcpcs, 2000),
# TRIPS (pingpong, 100000), DEPTH (stacker, 14), STACK_SECS (sampling time, 6).
set -u
. "$(dirname "$0")/lib.sh"
: "${BCCTOOL:?set BCCTOOL}"
RUNS=${RUNS:-5}
OPS=${OPS:-400000}
SESSIONS=${SESSIONS:-2000}
TRIPS=${TRIPS:-100000}
DEPTH=${DEPTH:-14}
STACK_SECS=${STACK_SECS:-6}
for w in attachwait rwer tcpcs pingpong stacker; do
	[ -x "$W/$w" ] || { echo "bench: $W/$w is not built (make)" >&2; exit 1; }
done
command -v bpftrace >/dev/null || echo "bench: no bpftrace: no floor and no profile comparison" >&2
bench_tmp
export BCCTOOL_CACHE_DIR=$BENCH_TMP/cache
mkdir -m 0700 "$BCCTOOL_CACHE_DIR"

echo "== startup and memory (medians of $RUNS runs; bcctool on a cache hit)"
startup_header
for tool in biosnoop tcplife runqlat; do
	[ -x "/usr/sbin/$tool" ] && startup_row "$tool" libbpf-tools "/usr/sbin/$tool"
	startup_row "$tool" bcctool "$BCCTOOL" "$tool"
done
for tool in biosnoop tcplife runqlat; do
	startup_verdict "$tool"
done
echo

f=$BENCH_TMP/rw
rw=(syscalls:sys_enter_read syscalls:sys_exit_read syscalls:sys_enter_write syscalls:sys_exit_write)
rwfloor=$(printf 'tracepoint:%s,' "${rw[@]}")
slowdown "vfsstat (read/write loop)" $((2 * OPS)) \
	"tracepoint:syscalls:sys_enter_read,tracepoint:syscalls:sys_enter_write { }" \
	"vfsstat" /usr/sbin/vfsstat -- "$W/rwer" -r "$OPS" -W "$OPS" -b 16 "$f"
slowdown "filetop (read/write loop)" $((2 * OPS)) "${rwfloor%,} { }" "filetop -C" \
	"/usr/sbin/filetop -C" -- "$W/rwer" -r "$OPS" -W "$OPS" -b 16 "$f"
slowdown "tcplife (loopback sessions)" "$SESSIONS" "tracepoint:sock:inet_sock_set_state { }" \
	"tcplife" /usr/sbin/tcplife -- "$W/tcpcs" -n "$SESSIONS" -p 40999
slowdown "runqlat (pipe round trips)" "$TRIPS" \
	"tracepoint:sched:sched_switch,tracepoint:sched:sched_wakeup,tracepoint:sched:sched_wakeup_new { }" \
	"runqlat" /usr/sbin/runqlat -- "$W/pingpong" -n "$TRIPS"
slowdown "profile -F 999 (pipe round trips)" "$TRIPS" "" "profile -F 999" "" -- \
	"$W/pingpong" -n "$TRIPS"

# stacks: SIGINT to exit of a profiler holding stacker's stacks
command -v bpftrace >/dev/null || exit 0
echo "== profile: printing stacker's stacks ($((1 << DEPTH)) possible, sampled ${STACK_SECS} s at 999 Hz; medians of $RUNS runs)"
printf '%-10s %8s %10s\n' tracer stacks stop_ms
declare -A STOP
for t in bcctool bpftrace; do
	: >"$BENCH_TMP/stop.$t"
	for ((r = 0; r < RUNS; r++)); do
		"$W/stacker" -d "$DEPTH" $((STACK_SECS * 1000 + 4000)) &
		spid=$!
		if [ $t = bcctool ]; then
			"$BCCTOOL" profile -U -F 999 -p "$spid" >"$BENCH_TMP/out" 2>/dev/null &
			tpid=$!
			tracer_up "$tpid" 1 0
		else
			bpftrace -e "profile:hz:999 /pid == $spid/ { @[ustack] = count(); }" \
				>"$BENCH_TMP/out" 2>/dev/null &
			tpid=$!
			sleep 2 # bpftrace's perf events are not links; its attach line comes first
		fi
		sleep "$STACK_SECS"
		now_us t0
		kill -INT "$tpid"
		wait "$tpid"
		now_us t1
		kill "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
		if [ $t = bcctool ]; then
			n=$(grep -c '^    -  *stacker' "$BENCH_TMP/out")
		else
			n=$(grep -c '^@\[' "$BENCH_TMP/out")
		fi
		echo "$(((t1 - t0) / 1000)) $n" >>"$BENCH_TMP/stop.$t"
	done
	STOP[$t]=$(cut -d' ' -f1 "$BENCH_TMP/stop.$t" | median)
	printf '%-10s %8s %10s\n' "$t" "$(cut -d' ' -f2 "$BENCH_TMP/stop.$t" | median)" "${STOP[$t]}"
done
echo "profile stacks bcctool/bpftrace: time to print $(ratio "${STOP[bcctool]}" "${STOP[bpftrace]}") (target <= 0.5)"
