#!/usr/bin/env bats
# bats file_tags=needs:bpf
# softirqs against real soft interrupts: N UDP datagrams over loopback (udploop), each received
# by one NET_RX softirq run, and the timer softirqs every CPU runs anyway. Other tests make
# softirqs too, so counts are bounded: at least N for net_rx (or what /proc/softirqs counted
# while the tracer was surely attached), at most what /proc/softirqs counted around the whole
# run (the kernel counts each run there, just before the tracepoint the tool uses).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=500 # datagrams per workload

setup() {
    T=$BATS_TEST_TMPDIR
    BG=()
}

teardown() {
    bg_kill
}

# sirq_total NAME [CPU]: what /proc/softirqs counted for NAME (NET_RX), on every CPU or one
sirq_total() {
    awk -v name="$1:" -v cpu="${2-}" '
        $1 == name { for (i = 2; i <= NF; i++) if (cpu == "" || i == cpu + 2) s += $i }
        END { print s + 0 }' /proc/softirqs
}

# udp: N datagrams over loopback, N NET_RX softirq runs
udp() {
    "$(workload udploop)" -n "$N"
}

# start_si ARGS...: "bcctool softirqs ARGS" in the background; output in $OUT, $ERR, PID in
# $PID; returns once it traces (its "Tracing" line, or with READY_LINKS=n, n BPF links)
start_si() {
    local i links
    require_bpf
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/si.$SEQ.out
    ERR=$T/si.$SEQ.err
    echo "\$ bcctool softirqs $*"
    "$BCCTOOL" softirqs "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    BG+=("$PID")
    for ((i = 0; i < 3000; i++)); do
        if [ -n "${READY_LINKS-}" ]; then
            links=$(ls -l "/proc/$PID/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge "$READY_LINKS" ] && return 0
        elif grep -q '^Tracing soft irq' "$OUT" 2>/dev/null; then
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$ERR" >&2; fail "softirqs $* exited early"; }
        sleep 0.01
    done
    fail "softirqs $* never got ready"
}

# stop_si [PID OUT ERR]: SIGINT; it prints its last interval and exits 0, nothing on stderr
# but the missed-events report (anything with ALLOW_STDERR)
stop_si() {
    local pid=${1:-$PID} out=${2:-$OUT} err=${3:-$ERR} rc=0
    kill -INT "$pid"
    wait "$pid" || rc=$?
    echo "--- softirqs (exit $rc):"
    cat "$out"
    echo "--- stderr: $(cat "$err")"
    [ "$rc" -eq 0 ] || fail "softirqs exited $rc"
    if [ -z "${ALLOW_STDERR-}" ]; then
        run grep -v 'soft irq events missed' "$err"
        [ -z "$output" ] || fail "softirqs wrote to stderr: $output"
    fi
}

# missed ERRFILE: the events the tracer reported missed, or 0
missed() {
    local n
    n=$(sed -n 's/^softirqs: \([0-9]*\) soft irq events missed.*/\1/p' "$1")
    echo "${n:-0}"
}

# row FILE NAME: the value of NAME's row of the table, or 0 when it has none
row() {
    awk -v n="$2" 'NF == 2 && $1 == n { v = $2 } END { print v + 0 }' "$1"
}

# assert_bounded N LOW HIGH ERRFILE: LOW - missed <= N <= HIGH
assert_bounded() {
    local m
    m=$(missed "$4")
    [ "$1" -le "$3" ] || fail "count $1 above $3, what /proc/softirqs counted"
    [ $(($1 + m)) -ge "$2" ] || fail "count $1 below $2 ($m events reported missed)"
}

# every line of a table has BCC's layout: header "%-16s %11s", rows "%-16s %11d"
assert_table_layout() {
    local unit=$1 file=$2
    run grep -cx "SOFTIRQ          TOTAL_$unit" "$file"
    [ "$output" -ge 1 ] || fail "no header line"
    run grep -vE -e '^(Tracing soft irq.*|SOFTIRQ +TOTAL_.*|[0-2][0-9]:[0-5][0-9]:[0-5][0-9]|)$' \
        -e '^(hi|timer|net_tx|net_rx|block|irq_poll|tasklet|sched|hrtimer|rcu) {3,} {1,10}[0-9]{1,11}$' "$file"
    [ -z "$output" ] || fail "lines not in BCC's layout: $output"
    run grep -vE '^.{28}$' <(grep -E '^[a-z_]+ +[0-9]+$' "$file")
    [ -z "$output" ] || fail "rows not 28 characters wide: $output"
}

@test "-C: net_rx counts every datagram, timer runs too, within /proc/softirqs' counts" {
    local rx0 rx1 rx2 rx3 t0 t1 t2 t3
    rx0=$(sirq_total NET_RX) t0=$(sirq_total TIMER)
    start_si -C
    rx1=$(sirq_total NET_RX) t1=$(sirq_total TIMER)
    udp
    sleep 0.1 # a few timer ticks
    rx2=$(sirq_total NET_RX) t2=$(sirq_total TIMER)
    stop_si
    rx3=$(sirq_total NET_RX) t3=$(sirq_total TIMER)
    assert_equal "$(head -1 "$OUT")" "Tracing soft irq events... Hit Ctrl-C to end."
    assert_equal "$(sed -n 2p "$OUT")" ""
    assert_equal "$(sed -n 3p "$OUT")" "SOFTIRQ          TOTAL_count"
    assert_table_layout count "$OUT"
    local low=$((rx2 - rx1))
    [ "$low" -ge "$N" ] || low=$N
    assert_bounded "$(row "$OUT" net_rx)" "$low" $((rx3 - rx0)) "$ERR"
    assert_bounded "$(row "$OUT" timer)" $((t2 - t1)) $((t3 - t0)) "$ERR"
    [ "$(row "$OUT" timer)" -gt 0 ] || fail "no timer softirq"
    # rows in increasing order of count
    run awk 'NF == 2 && $2 ~ /^[0-9]+$/ { print $2 }' "$OUT"
    assert_output "$(awk 'NF == 2 && $2 ~ /^[0-9]+$/ { print $2 }' "$OUT" | sort -n)"
}

@test "default: total time per vector in usecs; -N in nsecs" {
    local p1 o1 e1 ns
    start_si
    p1=$PID o1=$OUT e1=$ERR
    start_si -N
    udp
    stop_si "$p1" "$o1" "$e1"
    stop_si
    assert_equal "$(head -1 "$o1")" "Tracing soft irq event time... Hit Ctrl-C to end."
    assert_table_layout usecs "$o1"
    assert_table_layout nsecs "$OUT"
    run grep -cEx 'net_rx +[0-9]+' "$o1"
    assert_output 1
    ns=$(row "$OUT" net_rx)
    # 500 receives take more than 500 ns in all, less than a second
    [ "$ns" -gt "$N" ] && [ "$ns" -lt 1000000000 ] || fail "net_rx time: $ns ns"
    [ "$(row "$o1" net_rx)" -lt 1000000 ] || fail "net_rx time: $(row "$o1" net_rx) us"
}

# hist_sum FILE NAME: the sum of the counts of NAME's histogram (-d)
hist_sum() {
    awk -v n="softirq = $2" '
        /^softirq = / { insec = ($0 == n); next }
        / -> .* : / { if (insec) { split($0, a, ":"); split(a[2], b, " "); s += b[1] } }
        END { print s + 0 }' "$1"
}

@test "-d: a histogram per vector, softirq = NAME, net_rx counting every datagram" {
    local rx0 rx1
    rx0=$(sirq_total NET_RX)
    start_si -d
    udp
    stop_si
    rx1=$(sirq_total NET_RX)
    run grep -A1 -x "softirq = net_rx" "$OUT"
    assert_line --index 1 "     usecs               : count     distribution"
    run grep -c -E '^ +[0-9]+ -> [0-9]+ +: [0-9]+ +\|[* ]{40}\|$' "$OUT"
    assert_equal "$output" "$(grep -c -- ' -> ' "$OUT")"
    # sections in vector order (hi, timer, net_tx, net_rx, block, ...)
    run sed -n 's/^softirq = //p' "$OUT"
    local order="hi timer net_tx net_rx block irq_poll tasklet sched hrtimer rcu" prev=-1 s i
    for s in $output; do
        i=$(tr ' ' '\n' <<<"$order" | grep -nx "$s" | cut -d: -f1)
        [ -n "$i" ] && [ "$i" -gt "$prev" ] || fail "section $s out of order"
        prev=$i
    done
    assert_bounded "$(hist_sum "$OUT" net_rx)" "$N" $((rx1 - rx0)) "$ERR"
}

@test "-c CPU: each CPU's tracer counts only that CPU's softirqs" {
    local ncpu c pids=() outs=() errs=() b=() a=() n total=0
    ncpu=$(awk 'NR == 1 { print NF; exit }' /proc/softirqs)
    [ "$ncpu" -le 8 ] || ncpu=8
    for ((c = 0; c < ncpu; c++)); do
        b[c]=$(sirq_total NET_RX "$c")
        start_si -C -c "$c"
        pids[c]=$PID outs[c]=$OUT errs[c]=$ERR
    done
    udp
    for ((c = 0; c < ncpu; c++)); do
        stop_si "${pids[c]}" "${outs[c]}" "${errs[c]}"
        a[c]=$(sirq_total NET_RX "$c")
    done
    for ((c = 0; c < ncpu; c++)); do
        n=$(row "${outs[c]}" net_rx)
        echo "CPU $c: $n, /proc/softirqs: $((a[c] - b[c]))"
        [ "$n" -le $((a[c] - b[c])) ] || fail "CPU $c: $n above /proc/softirqs"
        total=$((total + n + $(missed "${errs[c]}")))
    done
    [ "$total" -ge "$N" ] || fail "all CPUs: $total, below $N"
}

@test "--json: one object per vector per interval, agreeing with /proc/softirqs" {
    command -v jq >/dev/null || skip "jq is not installed"
    local rx0 rx1 p1 o1 e1
    rx0=$(sirq_total NET_RX)
    READY_LINKS=1 start_si -C --json
    p1=$PID o1=$OUT e1=$ERR
    READY_LINKS=2 start_si --json
    udp
    stop_si "$p1" "$o1" "$e1"
    stop_si
    rx1=$(sirq_total NET_RX)
    run jq -e -c 'type == "object"' "$o1" "$OUT"
    assert_success
    run jq -r 'keys_unsorted | join(",")' "$o1"
    assert_equal "$(sort -u <<<"$output")" "ts,softirq,count"
    run jq -r 'keys_unsorted | join(",")' "$OUT"
    assert_equal "$(sort -u <<<"$output")" "ts,softirq,total_usecs,count"
    assert_bounded "$(jq -r 'select(.softirq == "net_rx") | .count' "$o1")" "$N" \
        $((rx1 - rx0)) "$e1"
    assert_bounded "$(jq -r 'select(.softirq == "net_rx") | .count' "$OUT")" "$N" \
        $((rx1 - rx0)) "$ERR"
    run jq -r .count "$o1"
    assert_equal "$output" "$(jq -r .count "$o1" | sort -n)"
    run jq -r '.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")' "$OUT"
    refute_line false
}

@test "-d --json: histogram objects with a softirq key" {
    command -v jq >/dev/null || skip "jq is not installed"
    READY_LINKS=2 start_si -d -N --json
    udp
    stop_si
    run jq -r 'select(.softirq == "net_rx") | .val_type, ([.data[].count] | add >= '"$N"')' "$OUT"
    assert_output "nsecs
true"
}

@test "interval and count: -T -C 1 2 prints two tables with times, then exits" {
    require_bpf
    run_bct softirqs -T -C 1 2
    run grep -cx 'SOFTIRQ          TOTAL_count' <<<"$output"
    assert_output 2
    run_bct softirqs -T 1 1
    run grep -cE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$' <<<"$output"
    assert_output 1
}

# methods_run METHOD DISABLE: -C and the time table with the attach method forced
methods_run() {
    local method=$1 rx0 rx1 p1 o1 e1
    rx0=$(sirq_total NET_RX)
    export BCCTOOL_DISABLE_ATTACH=$2 BCCTOOL_LOG=debug
    start_si -C
    p1=$PID o1=$OUT e1=$ERR
    start_si -N
    unset BCCTOOL_DISABLE_ATTACH BCCTOOL_LOG
    udp
    ALLOW_STDERR=1 stop_si "$p1" "$o1" "$e1"
    ALLOW_STDERR=1 stop_si
    rx1=$(sirq_total NET_RX)
    grep -q "attaching with $method" "$e1" || fail "not attached with $method: $(cat "$e1")"
    grep -q "attaching with $method" "$ERR" || fail "not attached with $method: $(cat "$ERR")"
    assert_bounded "$(row "$o1" net_rx)" "$N" $((rx1 - rx0)) "$e1"
    [ "$(row "$OUT" net_rx)" -gt "$N" ] || fail "net_rx time: $(row "$OUT" net_rx) ns"
}

@test "the raw_tp method counts and times net_rx too" {
    methods_run raw_tp tp_btf
}

@test "the tracepoint method counts and times net_rx too" {
    methods_run tracepoint tp_btf,raw_tp
}

@test "-C with -d or -N: BCC's message, exit 1" {
    run_bct 1 softirqs -C -d
    assert_output "The --events option can't be used with time-based options"
    run_bct 1 softirqs --events -N
    assert_output "The --events option can't be used with time-based options"
}

@test "usage errors: -c needs a CPU number, at most two positionals" {
    run_bct 2 softirqs -c x
    assert_output --partial "invalid CPU: 'x'"
    run_bct 2 softirqs 1 2 3
    run_bct 2 softirqs 0
}

@test "--ebpf prints the program with the options' defines, without loading it" {
    run_bct softirqs --ebpf -C -c 0
    assert_line --partial '#define SOFTIRQS_COUNT'
    assert_line --partial '#define SOFTIRQS_FILTER_CPU 0U'
    assert_line --partial 'SEC("tp_btf/softirq_entry")'
    refute_line --partial 'Tracing soft irq'
}
