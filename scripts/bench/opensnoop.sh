#!/bin/bash
# opensnoop throughput: test/workloads/opengen open()s and close()s one unique path at fixed
# rates and unpaced, with one and two generator processes, while a tracer writes to a file.
# Side by side for: no tracer, the floor (an empty BPF program on the tracepoints bcctool uses,
# via bpftrace), bcctool, libbpf-tools' opensnoop and bpftrace's opensnoop.bt. Per tracer:
#   printed/gen  lines printed for the path / opens generated
#   lost         events the tracer reported lost (its own stderr messages)
#   slowdown     unpaced: untraced opens/s / traced opens/s; paced: the generators' CPU per
#                open / untraced (the pacing sleeps are in both, so this understates)
#   wl_us/open   generators' CPU per open (user + system: the BPF program runs in system time)
#   +us/open     wl_us/open minus untraced: what tracing adds to each open
#   us/event     the tracer's own CPU (all threads, /proc/PID/task/*/schedstat) per line printed
#                for the path
#   sigint_ms    SIGINT to exit
# Medians over RUNS runs (tracers interleaved within a run); ratios, never absolute asserts.
# Environment: RUNS (3), SECS (2, per run), RATES ("10000 50000 100000 0"; 0 = unpaced),
# GENS ("1 2"), TRACERS ("none floor bcctool libbpf-tools bpftrace"), OPENGEN (the generator),
# BCCTOOL_ARGS (more options for bcctool's opensnoop, e.g. "-b 128").
set -u
. "$(dirname "$0")/lib.sh"
: "${BCCTOOL:?set BCCTOOL}"
RUNS=${RUNS:-3}
SECS=${SECS:-2}
RATES=${RATES:-"10000 50000 100000 0"}
GENS=${GENS:-"1 2"}
TRACERS=${TRACERS:-"none floor bcctool libbpf-tools bpftrace"}
OPENGEN=${OPENGEN:-$(dirname "$BCCTOOL")/workloads/opengen}
[ -x "$OPENGEN" ] || { echo "bench: $OPENGEN is not built (make)" >&2; exit 1; }
bench_tmp
target=$BENCH_TMP/osnp-bench-target
: >"$target"
export BCCTOOL_CACHE_DIR=${BCCTOOL_CACHE_DIR:-$BENCH_TMP/cache}
mkdir -p -m 0700 "$BCCTOOL_CACHE_DIR"

OSNP_BT=
for f in /usr/sbin/opensnoop.bt /usr/share/bpftrace/tools/opensnoop.bt; do
	[ -r "$f" ] && { OSNP_BT=$f; break; }
done
FLOOR_PROG='tracepoint:syscalls:sys_exit_open,tracepoint:syscalls:sys_exit_creat,tracepoint:syscalls:sys_exit_openat,tracepoint:syscalls:sys_exit_openat2 { }'

available() {
	case $1 in
	none) return 0 ;;
	floor) command -v bpftrace >/dev/null ;;
	bcctool) [ -x "$BCCTOOL" ] ;;
	libbpf-tools) [ -x /usr/sbin/opensnoop ] ;;
	bpftrace) command -v bpftrace >/dev/null && [ -n "$OSNP_BT" ] ;;
	esac
}

# CPU time of every thread of a process, in ns
cpu_ns() {
	local t=0 x f
	for f in /proc/"$1"/task/*/schedstat; do
		read -r x _ <"$f" 2>/dev/null && t=$((t + x))
	done
	echo "$t"
}

# starts tracer $1 writing to $BENCH_TMP/t.out/.err; sets TPID; returns once its programs
# are attached (bpftool perf show lists its sys_exit_openat tracepoint)
start_tracer() {
	local i
	: >"$BENCH_TMP/t.out"
	: >"$BENCH_TMP/t.err"
	case $1 in
	floor) bpftrace -e "$FLOOR_PROG" >"$BENCH_TMP/t.out" 2>"$BENCH_TMP/t.err" & ;;
	bcctool) "$BCCTOOL" opensnoop ${BCCTOOL_ARGS:-} >"$BENCH_TMP/t.out" 2>"$BENCH_TMP/t.err" & ;;
	libbpf-tools) /usr/sbin/opensnoop >"$BENCH_TMP/t.out" 2>"$BENCH_TMP/t.err" & ;;
	bpftrace) bpftrace "$OSNP_BT" >"$BENCH_TMP/t.out" 2>"$BENCH_TMP/t.err" & ;;
	esac
	TPID=$!
	for ((i = 0; i < 600; i++)); do
		bpftool perf show 2>/dev/null | grep -q "^pid $TPID .*sys_exit_openat\$" && return 0
		kill -0 "$TPID" 2>/dev/null || break
		sleep 0.05
	done
	echo "bench: $1 did not attach: $(head -3 "$BENCH_TMP/t.err")" >&2
	kill -KILL "$TPID" 2>/dev/null
	wait "$TPID" 2>/dev/null
	return 1
}

# lost events a tracer reported: bcctool's total line, else the sum of "lost N events" lines
lost_of() {
	local total
	total=$(sed -n 's/.*lost \([0-9][0-9]*\) events in total.*/\1/p' "$1" | tail -1)
	if [ -n "$total" ]; then echo "$total"; return; fi
	grep -oiE 'lost [0-9]+ (events|samples)' "$1" | awk '{ s += $2 } END { print s + 0 }'
}

# one run: prints "opens secs gen_cpu_ns printed lines lost tracer_cpu_ns sigint_us"
run_once() {
	local tracer=$1 rate=$2 gens=$3 gen c0=0 c1=0 t0 t1 printed=0 lines=0 lost=0 stop=0
	if [ "$tracer" != none ]; then
		start_tracer "$tracer" || return 1
		c0=$(cpu_ns "$TPID")
	fi
	gen=$("$OPENGEN" -r "$rate" -d "$SECS" -p "$gens" "$target") || return 1
	if [ "$tracer" != none ]; then
		sleep 0.5 # let it drain
		c1=$(cpu_ns "$TPID")
		t0=$(now_ns)
		kill -INT "$TPID"
		stop_within 30 "$TPID"
		t1=$(now_ns)
		stop=$(((t1 - t0) / 1000))
		printed=$(grep -c -F "$target" "$BENCH_TMP/t.out")
		lines=$(wc -l <"$BENCH_TMP/t.out")
		lost=$(lost_of "$BENCH_TMP/t.err")
	fi
	# opens=N secs=S cpu_ns=C
	set -- $(sed 's/[a-z_]*=//g' <<<"$gen")
	echo "$1 $2 $3 $printed $lines $lost $((c1 - c0)) $stop"
}

col() { awk -v c="$1" '{ print $c }' "$2" | median; }

declare -A RATE_BASE CPU_BASE SLOW ADD CPUEV
block() {
	local rate=$1 gens=$2 r tracer f label
	SLOW=()
	ADD=()
	CPUEV=()
	for tracer in $TRACERS; do : >"$BENCH_TMP/res.$tracer"; done
	for ((r = 0; r < RUNS; r++)); do
		for tracer in $TRACERS; do
			available "$tracer" || continue
			run_once "$tracer" "$rate" "$gens" >>"$BENCH_TMP/res.$tracer" ||
				echo "bench: $tracer run failed" >&2
		done
	done
	label=$([ "$rate" -eq 0 ] && echo unpaced || echo "$rate/s each")
	echo "== opensnoop throughput: $gens generator(s), $label, ${SECS}s runs, medians of $RUNS"
	printf '%-14s %10s %11s %8s %9s %10s %9s %9s %9s\n' tracer opens/s printed/gen lost \
		slowdown wl_us/open +us/open us/event sigint_ms
	for tracer in $TRACERS; do
		f=$BENCH_TMP/res.$tracer
		[ -s "$f" ] || continue
		local ops secs lost stop orate wlus slow pg usev add
		ops=$(col 1 "$f")
		secs=$(col 2 "$f")
		orate=$(awk -v o="$ops" -v s="$secs" 'BEGIN { printf "%.0f", o / s }')
		wlus=$(awk '{ print $3 / $1 / 1000 }' "$f" | median)
		if [ "$tracer" = none ]; then
			RATE_BASE[$rate.$gens]=$orate
			CPU_BASE[$rate.$gens]=$wlus
			printf '%-14s %10s %11s %8s %9s %10.3f %9s %9s %9s\n' untraced "$orate" - - \
				1.00 "$wlus" - - -
			continue
		fi
		lost=$(col 6 "$f")
		stop=$(awk '{ print $8 / 1000 }' "$f" | median)
		add=$(awk -v a="$wlus" -v b="${CPU_BASE[$rate.$gens]:-0}" 'BEGIN { printf "%.3f", a - b }')
		if [ "$rate" -eq 0 ]; then
			slow=$(ratio "${RATE_BASE[$rate.$gens]:-0}" "$orate")
		else
			slow=$(ratio "$wlus" "${CPU_BASE[$rate.$gens]:-0}")
		fi
		SLOW[$tracer]=$slow
		ADD[$tracer]=$add
		if [ "$tracer" = floor ]; then
			pg=-
			usev=-
		else
			pg=$(awk '{ print ($1 ? $4 / $1 : 0) }' "$f" | median)
			pg=$(printf '%.4f' "$pg")
			usev=$(awk '{ print ($4 ? $7 / $4 / 1000 : 0) }' "$f" | median)
			usev=$(printf '%.3f' "$usev")
			CPUEV[$tracer]=$usev
		fi
		printf '%-14s %10s %11s %8s %9s %10.3f %9s %9s %9.1f\n' "$tracer" "$orate" "$pg" \
			"$lost" "$slow" "$wlus" "$add" "$usev" "$stop"
	done
	if [ -n "${SLOW[bcctool]:-}" ] && [ -n "${SLOW[libbpf-tools]:-}" ]; then
		if [ "$rate" -eq 0 ]; then
			echo "bcctool/libbpf-tools: slowdown $(ratio "${SLOW[bcctool]}" \
				"${SLOW[libbpf-tools]}") (target <= 0.3), CPU/event $(ratio \
				"${CPUEV[bcctool]}" "${CPUEV[libbpf-tools]}") (target <= 0.5)"
		else
			echo "bcctool/libbpf-tools: added us/open $(ratio "${ADD[bcctool]}" \
				"${ADD[libbpf-tools]}"), CPU/event $(ratio "${CPUEV[bcctool]}" \
				"${CPUEV[libbpf-tools]}") (target <= 0.5)"
		fi
	fi
	echo
	SLOW=()
	ADD=()
	CPUEV=()
}

for gens in $GENS; do
	for rate in $RATES; do
		block "$rate" "$gens"
	done
done
echo "targets: no event lost with two generators, or every loss reported; unpaced slowdown" \
	"<= 0.3x libbpf-tools'; tracer CPU per event <= 0.5x libbpf-tools'"
