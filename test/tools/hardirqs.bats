#!/usr/bin/env bats
# bats file_tags=needs:bpf
# hardirqs against real interrupts: O_DIRECT reads of the virtio disk, one at a time, each
# completed by the disk's interrupt (virtioN-req.Q). Other tests and other machines' users make
# interrupts too, so the counts are bounded: at least half our reads (a completion can share an
# interrupt with another one only in a rare race; normally each read takes one), at most what
# /proc/interrupts counted for those handlers around the whole run (the kernel counts every
# interrupt there, also those a handler refuses with IRQ_NONE, which hardirqs leaves out).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
NR=60 # direct reads per workload

setup() {
    T=$BATS_TEST_TMPDIR
    BG=()
}

teardown() {
    bg_kill
}

# find_disk: the virtio disk holding the test's directory, and the regex of its interrupt
# handlers' names in $IRQRE (virtio1-req\.[0-9]+); skips when there is none. Makes $T/data,
# written to the disk (O_DIRECT), for do_reads.
find_disk() {
    require_bpf
    local num sys dev
    num=$(stat -c '%Hd:%Ld' "$T")
    sys=$(readlink -f "/sys/dev/block/$num" 2>/dev/null) || skip "$T is not on a block device"
    [ -e "$sys/device" ] || sys=$(dirname "$sys") # a partition: its disk
    [ -e "$sys/device" ] || skip "$T is not on a disk"
    dev=$(basename "$(readlink -f "$sys/device")")
    grep -qE " $dev-req\.[0-9]+\$" /proc/interrupts ||
        skip "$T is not on a virtio disk with per-queue interrupts ($dev)"
    IRQRE="^$dev-req\\.[0-9]+\$"
    dd if=/dev/urandom of="$T/data" bs=4k count=$NR oflag=direct status=none
}

# irq_total [CPU]: what /proc/interrupts counted for the disk's handlers, on every CPU or one
irq_total() {
    awk -v re="$IRQRE" -v cpu="${1-}" '
        NR == 1 { ncpu = NF; next }
        $NF ~ re { for (i = 2; i <= ncpu + 1; i++) if (cpu == "" || i == cpu + 2) s += $i }
        END { print s + 0 }' /proc/interrupts
}

# do_reads: NR direct 4 KiB reads of $T/data from the disk, one at a time
do_reads() {
    dd if="$T/data" of=/dev/null bs=4k count=$NR iflag=direct status=none
}

# start_hi ARGS...: "bcctool hardirqs ARGS" in the background; output in $OUT, $ERR, PID in
# $PID; returns once it traces (its "Tracing" line, or with READY_LINKS=n, n BPF links)
start_hi() {
    local i links
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/hi.$SEQ.out
    ERR=$T/hi.$SEQ.err
    echo "\$ bcctool hardirqs $*"
    "$BCCTOOL" hardirqs "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    BG+=("$PID")
    for ((i = 0; i < 3000; i++)); do
        if [ -n "${READY_LINKS-}" ]; then
            links=$(ls -l "/proc/$PID/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge "$READY_LINKS" ] && return 0
        elif grep -q '^Tracing hard irq' "$OUT" 2>/dev/null; then
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$ERR" >&2; fail "hardirqs $* exited early"; }
        sleep 0.01
    done
    fail "hardirqs $* never got ready"
}

# stop_hi [PID OUT ERR]: SIGINT; it prints its last interval and exits 0, nothing on stderr
# but the missed-events report (anything with ALLOW_STDERR)
stop_hi() {
    local pid=${1:-$PID} out=${2:-$OUT} err=${3:-$ERR} rc=0
    kill -INT "$pid"
    wait "$pid" || rc=$?
    echo "--- hardirqs (exit $rc):"
    cat "$out"
    echo "--- stderr: $(cat "$err")"
    [ "$rc" -eq 0 ] || fail "hardirqs exited $rc"
    if [ -z "${ALLOW_STDERR-}" ]; then
        run grep -v 'hard irq events missed' "$err"
        [ -z "$output" ] || fail "hardirqs wrote to stderr: $output"
    fi
}

# missed ERRFILE: the events the tracer reported missed, or 0
missed() {
    local n
    n=$(sed -n 's/^hardirqs: \([0-9]*\) hard irq events missed.*/\1/p' "$1")
    echo "${n:-0}"
}

# table_sum FILE: the sum of the second column of the disk's rows of the table
table_sum() {
    awk -v re="$IRQRE" 'NF == 2 && $1 ~ re { s += $2 } END { print s + 0 }' "$1"
}

# hist_sum FILE: the sum of the counts of the disk's histograms (-d)
hist_sum() {
    awk -v re="$IRQRE" '
        /^hardirq = / { insec = (substr($0, 11) ~ re); next }
        / -> .* : / { if (insec) { split($0, a, ":"); split(a[2], b, " "); s += b[1] } }
        END { print s + 0 }' "$1"
}

# assert_bounded N LOW HIGH ERRFILE: LOW - missed <= N <= HIGH
assert_bounded() {
    local m
    m=$(missed "$4")
    [ "$1" -le "$3" ] || fail "count $1 above $3, what /proc/interrupts counted"
    [ $(($1 + m)) -ge "$2" ] || fail "count $1 below $2 ($m events reported missed)"
}

# every table row has BCC's layout "%-26s %11d", the header "%-26s %11s"
assert_table_layout() {
    local unit=$1 file=$2
    run grep -cx "HARDIRQ                    TOTAL_$unit" "$file"
    [ "$output" -ge 1 ] || fail "no header line"
    run grep -vE -e '^(Tracing hard irq.*|HARDIRQ +TOTAL_.*|[0-2][0-9]:[0-5][0-9]:[0-5][0-9]|)$' \
        -e '^.{26} +[0-9]{1,11}$' -e '^.{27,} [0-9]{11,}$' "$file"
    [ -z "$output" ] || fail "lines not in BCC's layout: $output"
}

@test "-C: the disk's interrupts are counted, within /proc/interrupts' count" {
    find_disk
    local before after n
    before=$(irq_total)
    start_hi -C
    do_reads
    stop_hi
    after=$(irq_total)
    assert_equal "$(head -1 "$OUT")" "Tracing hard irq events... Hit Ctrl-C to end."
    assert_equal "$(sed -n 2p "$OUT")" ""
    assert_equal "$(sed -n 3p "$OUT")" "HARDIRQ                    TOTAL_count"
    assert_table_layout count "$OUT"
    n=$(table_sum "$OUT")
    assert_bounded "$n" $((NR / 2)) $((after - before)) "$ERR"
}

@test "default: total time per handler in usecs, smallest first; -N in nsecs" {
    find_disk
    local p1 o1 e1 us ns
    start_hi
    p1=$PID o1=$OUT e1=$ERR
    start_hi -N
    do_reads
    stop_hi "$p1" "$o1" "$e1"
    stop_hi
    assert_equal "$(head -1 "$o1")" "Tracing hard irq event time... Hit Ctrl-C to end."
    assert_table_layout usecs "$o1"
    assert_table_layout nsecs "$OUT"
    us=$(table_sum "$o1")
    ns=$(table_sum "$OUT")
    # 60 interrupts take far more than 1 us in all, far less than 1 s
    [ "$ns" -gt 1000 ] && [ "$ns" -lt 1000000000 ] || fail "disk handlers' time: $ns ns"
    [ "$us" -ge 1 ] && [ "$us" -lt 1000000 ] || fail "disk handlers' time: $us us"
    # rows in increasing order of their totals
    run awk 'NF == 2 && $2 ~ /^[0-9]+$/ { print $2 }' "$o1"
    assert_output "$(awk 'NF == 2 && $2 ~ /^[0-9]+$/ { print $2 }' "$o1" | sort -n)"
}

@test "-d: a histogram per handler, hardirq = NAME, counting the disk's interrupts" {
    find_disk
    local before after
    before=$(irq_total)
    start_hi -d
    do_reads
    stop_hi
    after=$(irq_total)
    run grep -cE "^hardirq = ${IRQRE#^}" "$OUT"
    [ "$output" -ge 1 ] || fail "no section for the disk"
    run grep -A1 -E "^hardirq = ${IRQRE#^}" "$OUT"
    assert_line --index 1 "     usecs               : count     distribution"
    run grep -c -E '^ +[0-9]+ -> [0-9]+ +: [0-9]+ +\|[* ]{40}\|$' "$OUT"
    assert_equal "$output" "$(grep -c -- ' -> ' "$OUT")"
    # sections in name order
    run sed -n 's/^hardirq = //p' "$OUT"
    assert_equal "$output" "$(sed -n 's/^hardirq = //p' "$OUT" | LC_ALL=C sort)"
    assert_bounded "$(hist_sum "$OUT")" $((NR / 2)) $((after - before)) "$ERR"
}

@test "-c CPU: each CPU's tracer counts only what that CPU handled" {
    find_disk
    local ncpu c pids=() outs=() errs=() before=() after=() n total=0
    ncpu=$(awk 'NR == 1 { print NF; exit }' /proc/interrupts)
    [ "$ncpu" -le 8 ] || ncpu=8
    for ((c = 0; c < ncpu; c++)); do
        before[c]=$(irq_total "$c")
        start_hi -C -c "$c"
        pids[c]=$PID outs[c]=$OUT errs[c]=$ERR
    done
    do_reads
    for ((c = 0; c < ncpu; c++)); do
        stop_hi "${pids[c]}" "${outs[c]}" "${errs[c]}"
        after[c]=$(irq_total "$c")
    done
    for ((c = 0; c < ncpu; c++)); do
        n=$(table_sum "${outs[c]}")
        echo "CPU $c: $n, /proc/interrupts: $((after[c] - before[c]))"
        [ "$n" -le $((after[c] - before[c])) ] || fail "CPU $c: $n above /proc/interrupts"
        total=$((total + n + $(missed "${errs[c]}")))
    done
    [ "$total" -ge $((NR / 2)) ] || fail "all CPUs: $total, below $((NR / 2))"
}

@test "--json: one object per handler per interval, agreeing with the text" {
    command -v jq >/dev/null || skip "jq is not installed"
    find_disk
    local before after p1 o1 e1 p2 o2 e2
    before=$(irq_total)
    start_hi -C
    p1=$PID o1=$OUT e1=$ERR
    READY_LINKS=2 start_hi -C --json
    p2=$PID o2=$OUT e2=$ERR
    READY_LINKS=2 start_hi --json
    do_reads
    stop_hi "$p1" "$o1" "$e1"
    stop_hi "$p2" "$o2" "$e2"
    stop_hi
    after=$(irq_total)
    run jq -e -c 'type == "object"' "$o2" "$OUT"
    assert_success
    run jq -r 'keys_unsorted | join(",")' "$o2"
    assert_equal "$(sort -u <<<"$output")" "ts,hardirq,count"
    run jq -r 'keys_unsorted | join(",")' "$OUT"
    assert_equal "$(sort -u <<<"$output")" "ts,hardirq,total_usecs,count"
    run jq -r --arg re "$IRQRE" 'select(.hardirq | test($re)) | .count' "$o2"
    assert_bounded "$(awk '{ s += $1 } END { print s + 0 }' <<<"$output")" $((NR / 2)) \
        $((after - before)) "$e2"
    assert_bounded "$(table_sum "$o1")" $((NR / 2)) $((after - before)) "$e1"
    # JSON rows in increasing order of count, as the text's
    run jq -r .count "$o2"
    assert_equal "$output" "$(jq -r .count "$o2" | sort -n)"
    run jq -r --arg re "$IRQRE" 'select(.hardirq | test($re)) | .total_usecs >= 0 and .count > 0' "$OUT"
    assert_line true
    run jq -r '.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")' "$OUT"
    refute_line false
}

@test "-d --json: histogram objects with a hardirq key" {
    command -v jq >/dev/null || skip "jq is not installed"
    find_disk
    READY_LINKS=2 start_hi -d -N --json
    do_reads
    stop_hi
    run jq -r --arg re "$IRQRE" 'select(.hardirq | test($re)) | .val_type, ([.data[].count] | add > 0)' "$OUT"
    assert_line --index 0 nsecs
    assert_line --index 1 true
}

@test "interval and outputs: -T -C 1 2 prints two tables with times, then exits" {
    find_disk
    local t0=$SECONDS
    run_bct hardirqs -T -C 1 2
    [ $((SECONDS - t0)) -ge 1 ] || fail "2 intervals of 1 s took less than 1 s"
    run grep -cx 'HARDIRQ                    TOTAL_count' <<<"$output"
    assert_output 2
    run_bct hardirqs -T -C 1 2
    run grep -cE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$' <<<"$output"
    assert_output 2
}

# methods_run METHOD DISABLE: -C with the attach method forced counts the disk's interrupts
methods_run() {
    local method=$1 before after
    before=$(irq_total)
    export BCCTOOL_DISABLE_ATTACH=$2 BCCTOOL_LOG=debug
    ALLOW_STDERR=1 start_hi -C
    unset BCCTOOL_DISABLE_ATTACH BCCTOOL_LOG
    do_reads
    ALLOW_STDERR=1 stop_hi
    after=$(irq_total)
    grep -q "attaching with $method" "$ERR" || fail "not attached with $method: $(cat "$ERR")"
    assert_bounded "$(table_sum "$OUT")" $((NR / 2)) $((after - before)) "$ERR"
}

@test "the raw_tp method counts the disk's interrupts too" {
    find_disk
    methods_run raw_tp tp_btf
}

@test "the tracepoint method counts the disk's interrupts too" {
    find_disk
    methods_run tracepoint tp_btf,raw_tp
}

@test "-C with -d or -N: BCC's message, exit 1" {
    run_bct 1 hardirqs -C -d
    assert_output "The --count option can't be used with time-based options"
    run_bct 1 hardirqs -C -N
    assert_output "The --count option can't be used with time-based options"
}

@test "usage errors: -c needs a CPU number, at most two positionals" {
    run_bct 2 hardirqs -c x
    assert_output --partial "invalid CPU: 'x'"
    run_bct 2 hardirqs 1 2 3
    run_bct 2 hardirqs 0
}

@test "--ebpf prints the program with the options' defines, without loading it" {
    run_bct hardirqs --ebpf -d -N -c 1
    assert_line --partial '#define HARDIRQS_DIST'
    assert_line --partial '#define HARDIRQS_FACTOR 1'
    assert_line --partial '#define HARDIRQS_FILTER_CPU 1U'
    assert_line --partial 'SEC("tp_btf/irq_handler_entry")'
    refute_line --partial 'Tracing hard irq'
}
