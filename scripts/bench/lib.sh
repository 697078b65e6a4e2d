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

# The workloads and attachwait, built by make next to the binary
W=$(dirname "${BCCTOOL:-.}")/workloads

# links_when_ready CMD...: the number of BPF links CMD holds once settled (attachwait's calibration)
links_when_ready() { "$W/attachwait" -- "$@" | sed -n 's/.* links=\([0-9]*\).*/\1/p'; }

# startup_row TOOL LABEL CMD...: medians of RUNS attachwait runs of CMD, as one row of the
# startup table (startup_header); sets READY[TOOL.LABEL] and RSS[TOOL.LABEL] (ms, MiB)
declare -A READY RSS
startup_header() {
	printf '%-11s %-22s %6s %9s %9s %9s %8s\n' tool tracer links ready_ms peak_MiB trace_MiB stop_ms
}
startup_row() {
	local tool=$1 label=$2 k i r h s q
	shift 2
	k=$(links_when_ready "$@")
	[ -n "$k" ] && [ "$k" -gt 0 ] || { echo "bench: $label $tool did not attach" >&2; return 0; }
	: >"$BENCH_TMP/s"
	for ((i = 0; i < RUNS; i++)); do
		"$W/attachwait" -k "$k" -- "$@" >>"$BENCH_TMP/s" || continue
		sleep 0.2 # the detach's RCU grace periods, as between two real uses
	done
	field() { sed "s/.*$1=\([0-9]*\).*/\1/" "$BENCH_TMP/s" | awk -v d="$2" '{ print $1 / d }' | median; }
	r=$(field ready_us 1000)
	h=$(field hwm_kib 1024)
	s=$(field rss_kib 1024)
	q=$(field stop_us 1000)
	READY[$tool.$label]=$r
	RSS[$tool.$label]=$s
	printf '%-11s %-22s %6d %9.1f %9.1f %9.1f %8.1f\n' "$tool" "$label" "$k" "$r" "$h" "$s" "$q"
}

# startup_verdict TOOL: bcctool's ready time and RSS against libbpf-tools' (targets 1.0, 1.5)
startup_verdict() {
	echo "$1 bcctool/libbpf-tools: ready $(ratio "${READY[$1.bcctool]:-0}" \
		"${READY[$1.libbpf-tools]:-0}") (target <= 1.0), RSS while tracing $(ratio \
		"${RSS[$1.bcctool]:-0}" "${RSS[$1.libbpf-tools]:-0}") (target <= 1.5)"
}

# cpu_ns_per_op OPS CMD...: CMD's user + system CPU (its waited children included) per op, ns
cpu_ns_per_op() {
	local n=$1 t
	shift
	t=$({ TIMEFORMAT='%3U %3S'; time "$@" >/dev/null 2>&1; } 2>&1)
	awk -v t="$t" -v n="$n" 'BEGIN { split(t, a, " "); printf "%.1f\n", (a[1] + a[2]) * 1e9 / n }'
}

# tracer_up PID LINKS PERF: waits (up to 30 s) until PID holds LINKS BPF links and PERF perf
# attachments in bpftool perf show (bpftrace attaches tracepoints without links)
tracer_up() {
	local i l p
	for ((i = 0; i < 3000; i++)); do
		kill -0 "$1" 2>/dev/null || return 1
		l=$(find /proc/"$1"/fd -lname 'anon_inode:bpf_link' 2>/dev/null | wc -l)
		p=0
		[ "$3" -gt 0 ] && p=$(bpftool perf show 2>/dev/null | grep -c "^pid $1 ")
		[ "$l" -ge "$2" ] && [ "$p" -ge "$3" ] && return 0
		sleep 0.01
	done
	return 1
}

# traced_cpu LINKS PERF OPS TRACER... -- WORKLOAD...: the workload's CPU per op while TRACER
# traces (started first, attached per tracer_up), or "nan" when it did not attach
traced_cpu() {
	local k=$1 p=$2 n=$3 pid
	shift 3
	local tracer=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		tracer+=("$1")
		shift
	done
	shift
	"${tracer[@]}" >/dev/null 2>&1 &
	pid=$!
	if tracer_up "$pid" "$k" "$p"; then
		cpu_ns_per_op "$n" "$@"
	else
		echo nan
	fi
	kill -INT "$pid" 2>/dev/null
	stop_within 30 "$pid"
}

# slowdown NAME OPS FLOOR_PROG BCCTOOL_ARGS LIBBPF_CMD -- WORKLOAD...: a table of the workload's
# CPU per op (OPS ops per run, medians of RUNS runs) untraced, under the floor (FLOOR_PROG, an
# empty bpftrace program on the events bcctool uses; "" for none), under bcctool (BCCTOOL_ARGS)
# and under libbpf-tools (LIBBPF_CMD; "" or a tool that cannot attach here: left out).
# FLOOR_CMD in the environment replaces the bpftrace floor with a command holding FLOOR_LINKS
# BPF links (default 1) once attached.
slowdown() {
	local name=$1 ops=$2 floor=$3 bargs=$4 lcmd=$5 r t m
	shift 6
	local -A k=() p=() cmd=()
	cmd[bcctool]="$BCCTOOL $bargs"
	k[bcctool]=$(links_when_ready $BCCTOOL $bargs)
	p[bcctool]=0
	if [ -n "$lcmd" ] && [ -x "${lcmd%% *}" ]; then
		k[libbpf-tools]=$(links_when_ready $lcmd)
		if [ "${k[libbpf-tools]:-0}" -gt 0 ]; then
			cmd[libbpf-tools]=$lcmd
			p[libbpf-tools]=0
		else
			echo "bench: $lcmd does not attach on this kernel" >&2
		fi
	fi
	if [ -n "${FLOOR_CMD:-}" ]; then
		cmd[floor]=$FLOOR_CMD
		k[floor]=${FLOOR_LINKS:-1}
		p[floor]=0
	elif [ -n "$floor" ] && command -v bpftrace >/dev/null; then
		cmd[floor]="bpftrace -e $floor"
		k[floor]=0
		p[floor]=$(tr ',' '\n' <<<"${floor%% \{*}" | grep -c .)
	fi
	for t in none floor bcctool libbpf-tools; do : >"$BENCH_TMP/$t"; done
	for ((r = 0; r < RUNS; r++)); do
		cpu_ns_per_op "$ops" "$@" >>"$BENCH_TMP/none"
		for t in floor bcctool libbpf-tools; do
			[ -n "${cmd[$t]:-}" ] || continue
			if [ $t = floor ] && [ -z "${FLOOR_CMD:-}" ]; then
				traced_cpu 0 "${p[$t]}" "$ops" bpftrace -e "$floor" -- "$@" >>"$BENCH_TMP/$t"
			else
				traced_cpu "${k[$t]}" 0 "$ops" ${cmd[$t]} -- "$@" >>"$BENCH_TMP/$t"
			fi
		done
	done
	local base
	base=$(median <"$BENCH_TMP/none")
	echo "== $name: CPU per operation of the workload (medians of $RUNS runs)"
	printf '%-14s %10s %10s\n' tracer ns/op +ns/op
	printf '%-14s %10.1f %10s\n' untraced "$base" -
	local -A add=()
	for t in floor bcctool libbpf-tools; do
		[ -s "$BENCH_TMP/$t" ] || continue
		m=$(grep -v nan "$BENCH_TMP/$t" | median)
		add[$t]=$(awk -v a="$m" -v b="$base" 'BEGIN { printf "%.1f", a - b }')
		printf '%-14s %10.1f %10s\n' "$t" "$m" "${add[$t]}"
	done
	[ -n "${add[libbpf-tools]:-}" ] && echo "$name bcctool/libbpf-tools: added CPU per op" \
		"$(ratio "${add[bcctool]:-0}" "${add[libbpf-tools]}") (target <= 0.5)"
	[ -n "${add[floor]:-}" ] && echo "$name bcctool/floor: added CPU per op" \
		"$(ratio "${add[bcctool]:-0}" "${add[floor]}")"
	[ -n "${FLOOR_CMD:-}" ] && [ -n "${add[floor]:-}" ] && [ -n "${add[libbpf-tools]:-}" ] &&
		echo "$name floor/libbpf-tools: added CPU per op" \
			"$(ratio "${add[floor]}" "${add[libbpf-tools]}") (the least any tracer on these events adds)"
	echo
}
