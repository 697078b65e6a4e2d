# Shared helpers for scripts/bench/*.sh (sourced). Figures are medians over runs; compare
# them as ratios within one run, never as absolute times (the machines are shared and noisy).

now_ns() { date +%s%N; }

# now_us VAR: microseconds since the epoch into VAR, without a fork (for tight polling loops)
now_us() { printf -v "$1" '%s' "${EPOCHREALTIME/[.,]/}"; }

# median of the numbers on stdin
median() {
	sort -n | awk '{a[NR]=$1} END { if (NR == 0) { print "nan"; exit }
		if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2 }'
}

# ratio A B with 2 decimals ("n/a" when B is 0 or not a number)
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'
}

# kib_of PID FIELD: VmHWM / VmRSS of a live process in KiB
kib_of() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null; }

bench_tmp() {
	BENCH_TMP=$(mktemp -d /tmp/bct-bench.XXXXXX)
	trap 'rm -rf "$BENCH_TMP"' EXIT
}

# stop_within SECS PID: waits for PID (already signalled) to exit; a tracer that has not exited
# by then (bpftrace sometimes ignores SIGINT on a loaded machine) is killed, so a run never hangs
stop_within() {
	local i
	for ((i = 0; i < $1 * 100; i++)); do
		kill -0 "$2" 2>/dev/null || break
		sleep 0.01
	done
	kill -KILL "$2" 2>/dev/null && echo "bench: pid $2 ignored SIGINT for $1 s: killed" >&2
	wait "$2" 2>/dev/null
}
