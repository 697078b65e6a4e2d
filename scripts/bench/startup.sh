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

# measure NAME ENV... -- CMD...: one run; prints "ready_ms hwm_kib rss_kib stop_ms"
measure_once() {
	local out=$BENCH_TMP/out err=$BENCH_TMP/err t0 t1 t2 t3 pid hwm rss
	: >"$out"
	t0=$(now_ns)
	stdbuf -oL "$@" >"$out" 2>"$err" &
	pid=$!
	while ! grep -q ready-marker "$out" 2>/dev/null; do
		{ : <"$marker"; } 2>/dev/null
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "bench: $* exited early: $(head -3 "$err")" >&2
			return 1
		fi
		sleep 0.001
		t1=$(now_ns)
		if [ $(((t1 - t0) / 1000000000)) -ge 30 ]; then
			echo "bench: $* never became ready" >&2
			kill -INT "$pid"; wait "$pid"
			return 1
		fi
	done
	t1=$(now_ns)
	hwm=$(kib_of "$pid" VmHWM)
	sleep 0.2
	rss=$(kib_of "$pid" VmRSS)
	t2=$(now_ns)
	kill -INT "$pid"
	wait "$pid"
	t3=$(now_ns)
	echo "$(((t1 - t0) / 1000)) $hwm $rss $(((t3 - t2) / 1000))"
}

# series LABEL SETUP_FN CMD...: RUNS runs, prints medians; SETUP_FN runs before each run
declare -A READY HWM
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
echo "targets: cache hit <= 1.0x libbpf-tools time and <= 1.2x its peak RSS; first run <= 1.5 s"
