#!/bin/bash
# biolatency: time from exec until tracing is attached (the "Tracing block device I/O..." line,
# which both tools print right after attaching), peak RSS (VmHWM) once a 1-second histogram
# has been printed, and SIGINT-to-exit time: bcctool biolatency (cache hit) against
# libbpf-tools' /usr/sbin/biolatency. Medians over RUNS runs (default 10), ratios to
# libbpf-tools. Targets: time <= 1.0x, peak RSS <= 1.2x.
set -u
. "$(dirname "$0")/lib.sh"
: "${BCCTOOL:?set BCCTOOL}"
RUNS=${RUNS:-10}
[ "$RUNS" -ge 1 ] || RUNS=10
bench_tmp
cache=$BENCH_TMP/cache

# measure_once CMD...: prints "ready_us hwm_kib stop_us" for one run. The output goes through a
# FIFO that this shell reads, so the "Tracing..." line is seen the moment it is written.
measure_once() {
	local fifo=$BENCH_TMP/fifo t0 t1 t2 t3 pid hwm line ready=
	rm -f "$fifo"
	mkfifo "$fifo"
	now_us t0
	# stdbuf: libbpf-tools prints with stdio and no fflush, so a pipe would hold its line
	stdbuf -oL "$@" 1 >"$fifo" 2>"$BENCH_TMP/err" &
	pid=$!
	exec 3<"$fifo"
	while IFS= read -r -u 3 line; do
		if [[ $line == "Tracing block device I/O"* ]]; then
			ready=1
			break
		fi
	done
	now_us t1
	if [ -z "$ready" ]; then
		echo "bench: $* exited before tracing: $(head -3 "$BENCH_TMP/err")" >&2
		exec 3<&-
		wait "$pid"
		return 1
	fi
	cat <&3 >/dev/null &
	sleep 1.2 # one interval in: the histogram has been read and printed once
	hwm=$(kib_of "$pid" VmHWM)
	now_us t2
	kill -INT "$pid"
	wait "$pid"
	now_us t3
	wait
	exec 3<&-
	# let the kernel finish its RCU grace period after the detach (a new tracepoint attach
	# right after one would wait for it), as it would have between two real uses
	sleep 0.2
	echo "$((t1 - t0)) ${hwm:-0} $((t3 - t2))"
}

# report LABEL FILE [BASE_FILE]: medians of FILE's runs, ratios to BASE_FILE's medians
report() {
	local label=$1 f=$2 base=${3:-} r h q br=0 bh=0
	r=$(awk '{print $1/1000}' "$f" | median)
	h=$(awk '{print $2/1024}' "$f" | median)
	q=$(awk '{print $3/1000}' "$f" | median)
	if [ -n "$base" ]; then
		br=$(awk '{print $1/1000}' "$base" | median)
		bh=$(awk '{print $2/1024}' "$base" | median)
	fi
	printf '%-24s %10.1f %10.1f %10.1f %9s %10s\n' "$label" "$r" "$h" "$q" \
		"$([ -n "$base" ] && ratio "$r" "$br" || echo -)" \
		"$([ -n "$base" ] && ratio "$h" "$bh" || echo -)"
}

echo "== biolatency: time-to-ready and peak RSS (medians of $RUNS runs, 1 s interval)"
if [ ! -x /usr/sbin/biolatency ]; then
	echo "bench: /usr/sbin/biolatency (libbpf-tools) is not installed; skipped" >&2
	exit 0
fi
mkdir -m 0700 "$cache"
export BCCTOOL_CACHE_DIR=$cache # (libbpf-tools ignores it)
# fill the cache once (and warm the page cache for both binaries)
"$BCCTOOL" biolatency 1 1 >/dev/null 2>&1
/usr/sbin/biolatency 1 1 >/dev/null 2>&1
# alternate the two, so that machine noise hits both alike
for ((i = 0; i < RUNS; i++)); do
	measure_once /usr/sbin/biolatency >>"$BENCH_TMP/libbpf" || exit 1
	measure_once "$BCCTOOL" biolatency >>"$BENCH_TMP/bct" || exit 1
done
printf '%-24s %10s %10s %10s %9s %10s\n' tracer ready_ms peak_MiB stop_ms t/libbpf rss/libbpf
report libbpf-tools "$BENCH_TMP/libbpf"
report "bcctool (cache hit)" "$BENCH_TMP/bct" "$BENCH_TMP/libbpf"
echo "targets: bcctool cache hit <= 1.0x libbpf-tools time-to-ready and <= 1.2x its peak RSS"
