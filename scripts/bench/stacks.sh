#!/bin/bash
# The time to print a profile of 10,000 distinct stacks: from the end of sampling (SIGINT) to
# the tracer's exit, its output written to a file, with the number of stacks it printed.
# test/workloads/stacker walks 2^DEPTH distinct call paths (16384 by default) in two threads,
# so every run fills the tools' 10240-entry stack tables:
#   profile     stacker spinning at each leaf, sampled at FREQ Hz (-U -p PID), text and -f;
#               beside libbpf-tools' profile when there is one (LIBBPF_PROFILE, default
#               /usr/sbin/profile: Debian's libbpf-tools has none)
#   offcputime  stacker -o sleeping at each leaf (-p PID, kernel and user stacks), beside
#               libbpf-tools' offcputime, which prints its stacks with the same symbolizer and
#               loop as its profile
# Medians over RUNS runs (default 5) of SECS seconds of sampling (default 4); the ratio is of
# medians (target <= 0.5). Environment: RUNS, SECS, FREQ (4999), DEPTH (14).
set -u
. "$(dirname "$0")/lib.sh"
: "${BCCTOOL:?set BCCTOOL}"
RUNS=${RUNS:-5}
SECS=${SECS:-4}
FREQ=${FREQ:-4999}
DEPTH=${DEPTH:-14}
LIBBPF_PROFILE=${LIBBPF_PROFILE:-/usr/sbin/profile}
STORAGE=65536 # stack map buckets: few collisions for 10k stacks (libbpf-tools' default is 1024)
[ -x "$W/stacker" ] || { echo "bench: $W/stacker is not built (make)" >&2; exit 1; }
bench_tmp
export BCCTOOL_CACHE_DIR=$BENCH_TMP/cache
mkdir -m 0700 "$BCCTOOL_CACHE_DIR"

# one_run STACKER_ARGS -- TRACER...: "stop_ms stacks" of one run (PID in the tracer's
# arguments stands for the workload's pid), or nothing when the tracer did not attach
one_run() {
	local sargs=() cmd=() a spid tpid t0 t1 n
	while [ "$1" != -- ]; do
		sargs+=("$1")
		shift
	done
	shift
	"$W/stacker" "${sargs[@]}" $(((SECS + 60) * 1000)) &
	spid=$!
	for a in "$@"; do
		cmd+=("${a//PID/$spid}")
	done
	"${cmd[@]}" >"$BENCH_TMP/out" 2>"$BENCH_TMP/err" &
	tpid=$!
	if tracer_up "$tpid" 1 0; then
		sleep "$SECS"
		now_us t0
		kill -INT "$tpid"
		wait "$tpid"
		now_us t1
		n=$(grep -c -e '^    -  *stacker ' -e '^stacker;' "$BENCH_TMP/out")
		echo "$(((t1 - t0) / 1000)) $n"
	else
		echo "bench: ${cmd[*]} did not attach: $(head -c 300 "$BENCH_TMP/err")" >&2
		kill -INT "$tpid" 2>/dev/null
		stop_within 10 "$tpid"
	fi
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
}

declare -A STOP
# row NAME STACKER_ARGS -- TRACER...: RUNS runs, one table row, STOP[NAME] = median stop_ms
row() {
	local name=$1 r
	shift
	: >"$BENCH_TMP/rows"
	for ((r = 0; r < RUNS; r++)); do
		one_run "$@" >>"$BENCH_TMP/rows"
	done
	if [ ! -s "$BENCH_TMP/rows" ]; then
		printf '%-30s %8s %10s\n' "$name" - -
		return
	fi
	STOP[$name]=$(cut -d' ' -f1 "$BENCH_TMP/rows" | median)
	printf '%-30s %8s %10s\n' "$name" "$(cut -d' ' -f2 "$BENCH_TMP/rows" | median)" \
		"${STOP[$name]}"
}

verdict() {
	[ -n "${STOP[$2]:-}" ] && [ -n "${STOP[$3]:-}" ] || return 0
	echo "$1 bcctool/libbpf-tools: time to print $(ratio "${STOP[$2]}" "${STOP[$3]}")" \
		"(target <= 0.5)"
}

echo "== printing 10,000 distinct stacks: SIGINT to exit (${SECS} s of sampling, stacker -d" \
	"$DEPTH; medians of $RUNS runs)"
printf '%-30s %8s %10s\n' tracer stacks stop_ms
P=(-U -F "$FREQ" -p PID --stack-storage-size "$STORAGE")
if [ -x "$LIBBPF_PROFILE" ]; then
	row "libbpf-tools profile" -d "$DEPTH" -- "$LIBBPF_PROFILE" "${P[@]}"
	row "libbpf-tools profile -f" -d "$DEPTH" -- "$LIBBPF_PROFILE" "${P[@]}" -f
else
	echo "(no libbpf-tools profile at $LIBBPF_PROFILE: set LIBBPF_PROFILE to one)"
fi
row "bcctool profile" -d "$DEPTH" -- "$BCCTOOL" profile "${P[@]}"
row "bcctool profile -f" -d "$DEPTH" -- "$BCCTOOL" profile "${P[@]}" -f
O=(-p PID --stack-storage-size "$STORAGE")
if [ -x /usr/sbin/offcputime ]; then
	row "libbpf-tools offcputime" -o -d "$DEPTH" -- /usr/sbin/offcputime "${O[@]}"
fi
row "bcctool offcputime" -o -d "$DEPTH" -- "$BCCTOOL" offcputime "${O[@]}"
row "bcctool offcputime -f" -o -d "$DEPTH" -- "$BCCTOOL" offcputime "${O[@]}" -f
verdict profile "bcctool profile" "libbpf-tools profile"
verdict "profile -f" "bcctool profile -f" "libbpf-tools profile -f"
verdict offcputime "bcctool offcputime" "libbpf-tools offcputime"
# libbpf-tools' offcputime has no folded output: bcctool's against its text
verdict "offcputime -f (against text)" "bcctool offcputime -f" "libbpf-tools offcputime"
