#!/bin/bash
# Time from exec until an opensnoop is attached and tracing (its first traced event is seen),
# its peak RSS, RSS while tracing, and SIGINT-to-exit time: bcctool (cache hit, cache miss with
# the kernel's headers prepared, first run on an empty cache) against libbpf-tools' opensnoop
# and bpftrace's opensnoop.bt. Medians over RUNS runs (default 10), ratios to libbpf-tools.
set -u
. "$(dirname "$0")/lib.sh"
: "${BCCTOOL:?set BCCTOOL}"
RUNS=${RUNS:-10}
bench_tmp
marker=$BENCH_TMP/ready-marker
warm_cache=$BENCH_TMP/cache-warm

# measure_once CMD...: one run; prints "ready_us hwm_kib rss_kib stop_us". The tracer writes to
# a FIFO that this shell reads; while no line names the marker, the marker is opened again at
# each 1 ms read timeout, so readiness is seen within about a millisecond, with no fork in the
# loop (a fork per poll would add several ms to every tracer's figure).
measure_once() {
	local fifo=$BENCH_TMP/fifo err=$BENCH_TMP/err t0 t1 t2 t3 now pid hwm rss line rc
	rm -f "$fifo"
	mkfifo "$fifo"
	now_us t0
	stdbuf -oL "$@" >"$fifo" 2>"$err" &
	pid=$!
	exec 3<"$fifo"
	while :; do
		{ : <"$marker"; } 2>/dev/null
		IFS= read -r -t 0.001 -u 3 line
		rc=$?
		if [ $rc -eq 0 ]; then
			[[ $line == *ready-marker* ]] && break
			continue
		fi
		now_us now
		if [ $rc -le 128 ] || [ $((now - t0)) -ge 30000000 ]; then
			echo "bench: $* never became ready: $(head -3 "$err")" >&2
			kill -INT "$pid" 2>/dev/null
			exec 3<&-
			wait "$pid"
			return 1
		fi
	done
	now_us t1
	cat <&3 >/dev/null &
	hwm=$(kib_of "$pid" VmHWM)
	sleep 0.2
	rss=$(kib_of "$pid" VmRSS)
	now_us t2
	kill -INT "$pid"
	wait "$pid"
	now_us t3
	wait
	exec 3<&-
	# let the kernel finish the RCU grace periods of the detach (the next run's attach would
	# wait for them), as it would have between two real uses
	sleep 0.2
	echo "$((t1 - t0)) $hwm $rss $((t3 - t2))"
}

# series LABEL SETUP_FN CMD...: RUNS runs, prints medians; SETUP_FN runs before each run
declare -A READY HWM TRACE
series() {
	local label=$1 setup=$2 i line
	shift 2
	: >"$BENCH_TMP/series"
	for ((i = 0; i < RUNS; i++)); do
		$setup
		line=$(measure_once "$@") || return 0
		echo "$line" >>"$BENCH_TMP/series"
	done
	local r h s q
	r=$(awk '{print $1/1000}' "$BENCH_TMP/series" | median)
	h=$(awk '{print $2/1024}' "$BENCH_TMP/series" | median)
	s=$(awk '{print $3/1024}' "$BENCH_TMP/series" | median)
	q=$(awk '{print $4/1000}' "$BENCH_TMP/series" | median)
	READY[$label]=$r
	HWM[$label]=$h
	TRACE[$label]=$s
	printf '%-34s %10.1f %10.1f %10.1f %10.1f %8s %8s\n' "$label" "$r" "$h" "$s" "$q" \
		"$(ratio "$r" "${READY[libbpf-tools]:-0}")" "$(ratio "$h" "${HWM[libbpf-tools]:-0}")"
}

no_setup() { :; }
fresh_cache() { rm -rf "$BENCH_TMP/cache-cold"; mkdir -m 0700 "$BENCH_TMP/cache-cold"; }

echo "== startup: opensnoop time-to-ready and memory (medians of $RUNS runs)"
printf '%-34s %10s %10s %10s %10s %8s %8s\n' tracer ready_ms peak_MiB trace_MiB stop_ms \
	t/libbpf rss/libbpf
series libbpf-tools no_setup /usr/sbin/opensnoop
mkdir -m 0700 "$warm_cache"
BCCTOOL_CACHE_DIR=$warm_cache "$BCCTOOL" opensnoop -d 1 >/dev/null 2>&1
series "bcctool (cache hit)" no_setup env BCCTOOL_CACHE_DIR="$warm_cache" "$BCCTOOL" opensnoop
series "bcctool (miss, headers ready)" no_setup env BCCTOOL_CACHE_DIR="$warm_cache" \
	"$BCCTOOL" opensnoop --no-cache
series "bcctool (first run on kernel)" fresh_cache env BCCTOOL_CACHE_DIR="$BENCH_TMP/cache-cold" \
	"$BCCTOOL" opensnoop
if command -v bpftrace >/dev/null && [ -e /usr/sbin/opensnoop.bt ]; then
	series "bpftrace opensnoop.bt" no_setup bpftrace -B line /usr/sbin/opensnoop.bt
	echo "miss/bpftrace time-to-ready: $(ratio "${READY[bcctool (miss, headers ready)]:-0}" "${READY[bpftrace opensnoop.bt]:-0}") (target <= 0.4)"
fi
echo "RSS while tracing / libbpf-tools': cache hit $(ratio "${TRACE[bcctool (cache hit)]:-0}" "${TRACE[libbpf-tools]:-0}"), after a compile $(ratio "${TRACE[bcctool (miss, headers ready)]:-0}" "${TRACE[libbpf-tools]:-0}") (target <= 2)"
echo "targets: cache hit <= 1.0x libbpf-tools time and <= 1.2x its peak RSS; first run <= 1.5 s"
