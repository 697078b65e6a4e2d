#!/bin/bash
# execsnoop and syscount beside libbpf-tools' binaries of the same names, in one run:
#   ready_ms    exec until every BPF link is attached (test/workloads/attachwait polls the
#               tracer's fds; bcctool on a cache hit)
#   peak/trace  VmHWM when ready and VmRSS while tracing, MiB
#   stop_ms     SIGINT to exit
# and for syscount, which sees every syscall on the machine, what tracing adds to each syscall
# of a getpid loop (syscaller: CPU per call, user + system, traced minus untraced).
# Medians over RUNS runs (default 10; CALLS getpid calls per slowdown run, default 2000000).
set -u
. "$(dirname "$0")/lib.sh"
: "${BCCTOOL:?set BCCTOOL}"
RUNS=${RUNS:-10}
CALLS=${CALLS:-2000000}
W=$(dirname "$BCCTOOL")/workloads
for w in attachwait syscaller; do
	[ -x "$W/$w" ] || { echo "bench: $W/$w is not built (make)" >&2; exit 1; }
done
bench_tmp
export BCCTOOL_CACHE_DIR=$BENCH_TMP/cache
mkdir -m 0700 "$BCCTOOL_CACHE_DIR"

# startup TOOL LABEL CMD...: medians of RUNS attachwait runs
declare -A READY RSS HWM
startup() {
	local tool=$1 label=$2 k
	shift 2
	k=$("$W/attachwait" -- "$@" | sed -n 's/.* links=\([0-9]*\).*/\1/p')
	[ -n "$k" ] || { echo "bench: $label did not attach" >&2; return 0; }
	: >"$BENCH_TMP/s"
	for ((i = 0; i < RUNS; i++)); do
		"$W/attachwait" -k "$k" -- "$@" >>"$BENCH_TMP/s" || continue
		sleep 0.2 # the detach's RCU grace periods, as between two real uses
	done
	local r h s q
	r=$(sed 's/.*ready_us=\([0-9]*\).*/\1/' "$BENCH_TMP/s" | awk '{ print $1 / 1000 }' | median)
	h=$(sed 's/.*hwm_kib=\([0-9]*\).*/\1/' "$BENCH_TMP/s" | awk '{ print $1 / 1024 }' | median)
	s=$(sed 's/.*rss_kib=\([0-9]*\).*/\1/' "$BENCH_TMP/s" | awk '{ print $1 / 1024 }' | median)
	q=$(sed 's/.*stop_us=\([0-9]*\).*/\1/' "$BENCH_TMP/s" | awk '{ print $1 / 1000 }' | median)
	READY[$tool.$label]=$r
	HWM[$tool.$label]=$h
	RSS[$tool.$label]=$s
	printf '%-11s %-22s %6d %9.1f %9.1f %9.1f %8.1f\n' "$tool" "$label" "$k" "$r" "$h" "$s" "$q"
}

echo "== startup and memory (medians of $RUNS runs; bcctool on a cache hit)"
printf '%-11s %-22s %6s %9s %9s %9s %8s\n' tool tracer links ready_ms peak_MiB trace_MiB stop_ms
for tool in execsnoop syscount; do
	"$BCCTOOL" "$tool" -d 1 >/dev/null 2>&1 # fill the cache
	[ -x "/usr/sbin/$tool" ] && startup "$tool" libbpf-tools "/usr/sbin/$tool"
	startup "$tool" bcctool "$BCCTOOL" "$tool"
done
for tool in execsnoop syscount; do
	echo "$tool bcctool/libbpf-tools: ready $(ratio "${READY[$tool.bcctool]:-0}" \
		"${READY[$tool.libbpf-tools]:-0}") (target <= 1.0), RSS while tracing $(ratio \
		"${RSS[$tool.bcctool]:-0}" "${RSS[$tool.libbpf-tools]:-0}") (target <= 1.5)"
done
echo

# cpu_ns_per_call: one getpid loop's user + system time per call, in ns
cpu_ns_per_call() {
	local t
	t=$({ TIMEFORMAT='%3U %3S'; time "$W/syscaller" -n "$CALLS" getpid; } 2>&1 >/dev/null)
	awk -v t="$t" -v n="$CALLS" 'BEGIN { split(t, a, " "); printf "%.1f\n", (a[1] + a[2]) * 1e9 / n }'
}

# traced CMD...: one loop's ns per call with CMD tracing (attached first)
traced() {
	local pid k=$1
	shift
	"$@" >/dev/null 2>&1 &
	pid=$!
	for ((i = 0; i < 3000; i++)); do
		[ "$(find /proc/$pid/fd -lname 'anon_inode:bpf_link' 2>/dev/null | wc -l)" -ge "$k" ] && break
		sleep 0.01
	done
	cpu_ns_per_call
	kill -INT "$pid"
	stop_within 30 "$pid"
}

echo "== syscount: CPU added to each getpid(2) ($CALLS calls per run, medians of $RUNS runs)"
kb=$("$W/attachwait" -- "$BCCTOOL" syscount | sed -n 's/.* links=\([0-9]*\).*/\1/p')
kl=$("$W/attachwait" -- /usr/sbin/syscount | sed -n 's/.* links=\([0-9]*\).*/\1/p')
: >"$BENCH_TMP/none"
: >"$BENCH_TMP/bcctool"
: >"$BENCH_TMP/libbpf"
for ((r = 0; r < RUNS; r++)); do
	cpu_ns_per_call >>"$BENCH_TMP/none"
	traced "$kb" "$BCCTOOL" syscount >>"$BENCH_TMP/bcctool"
	[ -x /usr/sbin/syscount ] && traced "$kl" /usr/sbin/syscount >>"$BENCH_TMP/libbpf"
done
base=$(median <"$BENCH_TMP/none")
printf '%-14s %10s %10s\n' tracer ns/call +ns/call
printf '%-14s %10.1f %10s\n' untraced "$base" -
declare -A ADD
for t in bcctool libbpf; do
	[ -s "$BENCH_TMP/$t" ] || continue
	m=$(median <"$BENCH_TMP/$t")
	ADD[$t]=$(awk -v a="$m" -v b="$base" 'BEGIN { printf "%.1f", a - b }')
	printf '%-14s %10.1f %10s\n' "$([ $t = libbpf ] && echo libbpf-tools || echo $t)" "$m" "${ADD[$t]}"
done
echo "syscount bcctool/libbpf-tools: added CPU per syscall $(ratio "${ADD[bcctool]:-0}" \
	"${ADD[libbpf]:-0}") (target <= 0.5)"
