#!/bin/bash
# bcctool serve (issue 18): scrape times, CPU per scrape and RSS while serving three tools
# (biolatency, runqlat, syscount), and with per-process histograms (runqlat -P: thousands of
# series on a busy machine; the count is reported); the per-event cost of
# runqlat under serve against the standalone tool on pipe round trips (pingpong).
# Medians and p99 over SCRAPES scrapes (default 300); RUNS runs for the per-event part.
set -u
. "$(dirname "$0")/lib.sh"
: "${BCCTOOL:?set BCCTOOL}"
SCRAPES=${SCRAPES:-300}
RUNS=${RUNS:-5}
TRIPS=${TRIPS:-100000}
PORT=${PORT:-19435}
command -v curl >/dev/null || { echo "bench: serve: needs curl" >&2; exit 0; }
[ -x "$W/pingpong" ] || { echo "bench: $W/pingpong is not built (make)" >&2; exit 1; }
bench_tmp

# up PID: waits until the endpoint answers
up() {
	local i
	for ((i = 0; i < 3000; i++)); do
		kill -0 "$1" 2>/dev/null || return 1
		curl -sf -o /dev/null "http://127.0.0.1:$PORT/metrics" && return 0
		sleep 0.01
	done
	return 1
}

# scrapes LABEL TOOLS...: serve TOOLS, scrape SCRAPES times; p50/p99 ms, CPU per scrape, RSS
scrapes() {
	local label=$1 pid i t0 t1 series
	shift
	"$BCCTOOL" serve --listen "127.0.0.1:$PORT" "$@" >/dev/null 2>"$BENCH_TMP/err" &
	pid=$!
	up "$pid" || { echo "bench: serve $* did not come up: $(head -2 "$BENCH_TMP/err")" >&2; return 0; }
	[ -z "${PREP-}" ] || eval "$PREP"
	curl -s "http://127.0.0.1:$PORT/metrics" >/dev/null # the first scrape warms what it caches
	: >"$BENCH_TMP/t"
	t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	for ((i = 0; i < SCRAPES; i++)); do
		curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT/metrics" >>"$BENCH_TMP/t"
	done
	t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	series=$(curl -s "http://127.0.0.1:$PORT/metrics" | grep -vc '^#')
	local rss p50 p99 cpu
	rss=$(kib_of "$pid" VmRSS)
	p50=$(awk '{ print $1 * 1000 }' "$BENCH_TMP/t" | median)
	p99=$(awk '{ print $1 * 1000 }' "$BENCH_TMP/t" | sort -n | awk '{ a[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print a[i] }')
	cpu=$(awk -v a="$t0" -v b="$t1" -v n="$SCRAPES" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.2f", (b - a) * 1000 / hz / n }')
	printf '%-34s %7d %8.2f %8.2f %10s %8.1f\n' "$label" "$series" "$p50" "$p99" "$cpu" \
		"$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
	kill -INT "$pid"
	stop_within 30 "$pid"
}

echo "== serve: scrapes ($SCRAPES per row; curl's total time, so the client's share is in it)"
printf '%-34s %7s %8s %8s %10s %8s\n' tools series p50_ms p99_ms cpu_ms/scr RSS_MiB
scrapes "biolatency, runqlat, syscount" biolatency , runqlat , syscount
scrapes "biolatency -D, runqlat -P, syscount" biolatency -D , runqlat -P , syscount
# 10,000 series: filetop's 4 counters for each of 2,500 files read once by one cat
mkdir -p "$BENCH_TMP/files"
for ((i = 0; i < 2500; i++)); do echo >"$BENCH_TMP/files/f$i"; done
PREP='cat "$BENCH_TMP"/files/* >/dev/null' scrapes "filetop, 2,500 files (10,000 series)" \
	--max-series 20000 filetop -r 100000
echo "targets: p99 <= 10 ms for three tools (<= 50 ms at 10,000 series), CPU <= 1 ms per scrape, RSS <= 20 MB"
echo

echo "== per event: runqlat standalone and under serve, pipe round trips ($TRIPS, medians of $RUNS)"
for t in none alone served; do : >"$BENCH_TMP/$t"; done
k=$(links_when_ready "$BCCTOOL" runqlat)
for ((r = 0; r < RUNS; r++)); do
	cpu_ns_per_op "$TRIPS" "$W/pingpong" -n "$TRIPS" >>"$BENCH_TMP/none"
	traced_cpu "$k" 0 "$TRIPS" "$BCCTOOL" runqlat -- "$W/pingpong" -n "$TRIPS" >>"$BENCH_TMP/alone"
	traced_cpu "$k" 0 "$TRIPS" "$BCCTOOL" serve --listen "127.0.0.1:$PORT" runqlat -- \
		"$W/pingpong" -n "$TRIPS" >>"$BENCH_TMP/served"
done
none=$(median <"$BENCH_TMP/none")
for t in alone served; do
	m=$(grep -v nan "$BENCH_TMP/$t" | median)
	printf '%-8s %10.1f ns per round trip, +%.1f traced\n' "$t" "$m" \
		"$(awk -v a="$m" -v b="$none" 'BEGIN { print a - b }')"
	eval "M_$t=$m"
done
echo "served/standalone added cost: $(ratio "$(awk -v a="$M_served" -v b="$none" 'BEGIN { print a - b }')" \
	"$(awk -v a="$M_alone" -v b="$none" 'BEGIN { print a - b }')") (target 1.0)"
