#!/usr/bin/env bats
# bats file_tags=needs:bpf,serial
# serial: run alone. In parallel runs, beside other block tools' tests on other loop devices, it
# counted 1-4 completions fewer than /sys/block, with nothing reported missed, in about one run
# in four; run alone, it did so once in CI (2 of 64, "-e") and never in 108 runs here (the cause
# is not found yet: see the session notes). Such a shortfall runs the test once more
# (assert_counted); a test that falls short twice fails.
# biolatency against real I/O. Each test makes its own block device (a loop device with direct
# I/O over a file in its temp dir), issues a known number of O_DIRECT 4 KiB reads and writes to
# it with dd, one at a time (so the block layer has nothing to merge: /sys/block/loopN/stat
# confirms one request per dd block), and checks the histograms against those numbers.
# Tracers run in the background ("$BCCTOOL" directly: run_bct cannot); teardown kills what a
# failed test left running, detaches the loop device and removes the test's cgroup.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
NR=40 # reads per workload
NW=24 # writes per workload

setup() {
    T=$BATS_TEST_TMPDIR
    BG=()
    LOOP=
    CG=
}

teardown() {
    bg_kill
    loop_dev_detach
    cgroup_del
}

# make_loop: a loop device of our own in $LOOP (/dev/loopN), $DISK (loopN)
make_loop() {
    require_bpf
    loop_dev
}

# do_io: NR reads then NW writes, 4 KiB, O_DIRECT, one at a time; checks that the device
# completed exactly that many requests and merged none
do_io() {
    direct_io "$NR" "$NW"
}

# start_bio ARGS...: "bcctool biolatency ARGS" in the background; output in $OUT, $ERR, PID in
# $PID. Returns once tracing is attached: the "Tracing..." line, or with READY_LINKS=n (JSON
# prints no such line) once the process holds n BPF links.
start_bio() {
    local i links
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/bio.$SEQ.out
    ERR=$T/bio.$SEQ.err
    echo "\$ bcctool biolatency $*"
    "$BCCTOOL" biolatency "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    BG+=("$PID")
    for ((i = 0; i < 3000; i++)); do
        if [ -n "${READY_LINKS-}" ]; then
            links=$(ls -l "/proc/$PID/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge "$READY_LINKS" ] && return 0
        elif grep -q '^Tracing block device I/O' "$OUT" 2>/dev/null; then
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$ERR" >&2; fail "biolatency $* exited early"; }
        sleep 0.01
    done
    fail "biolatency $* never got ready"
}

# stop_bio [PID OUT ERR]: SIGINT; it must print its last histogram and exit 0, with nothing on
# stderr but the missed-events report (anything, with ALLOW_STDERR set)
stop_bio() {
    local pid=${1:-$PID} out=${2:-$OUT} err=${3:-$ERR} rc=0
    kill -INT "$pid"
    wait "$pid" || rc=$?
    echo "--- biolatency (exit $rc):"
    cat "$out"
    echo "--- stderr: $(cat "$err")"
    [ "$rc" -eq 0 ] || fail "biolatency exited $rc"
    [ -n "${ALLOW_STDERR-}" ] || stderr_clean "$err"
}

# missed ERRFILE: the I/O events the tracer reported it could not count ("N I/O events
# missed": runs the kernel skipped, map updates it refused), or 0
missed() {
    local n
    n=$(sed -n 's/^biolatency: \([0-9]*\) I\/O events missed.*/\1/p' "$1")
    echo "${n:-0}"
}

# assert_counted ACTUAL EXPECTED ERRFILE: ACTUAL is EXPECTED, or below it by no more than the
# events the tracer reported missed (see the man page, DIAGNOSTICS). A first shortfall with
# nothing reported missed (the unexplained one in the header) runs the test once more, saying
# so; a second fails it, as does any other failure.
assert_counted() {
    local m
    m=$(missed "$3")
    [ "$1" -le "$2" ] && [ $(($1 + m)) -ge "$2" ] && return 0
    if [ "$1" -lt "$2" ] && [ "$m" -eq 0 ]; then
        retry_once "counted $1 of $2, nothing reported missed"
    fi
    fail "count $1, expected $2 ($m events reported missed)"
}

# stderr_clean ERRFILE: nothing on stderr but the missed-events report
stderr_clean() {
    run grep -v 'I/O events missed' "$1"
    [ -z "$output" ] || fail "biolatency wrote to stderr: $output"
}

# wait_exit SECONDS: waits for $PID to exit by itself; it must exit 0
wait_exit() {
    local i rc=0
    for ((i = 0; i < $1 * 10; i++)); do
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$PID" 2>/dev/null && fail "biolatency did not exit within $1 s"
    wait "$PID" || rc=$?
    echo "--- biolatency (exit $rc):"
    cat "$OUT"
    [ "$rc" -eq 0 ] || fail "biolatency exited $rc: $(cat "$ERR")"
}

# hist_sum FILE [REGEX]: the sum of the count column of the histogram rows, of the sections
# whose "disk = "/"flags = " line matches REGEX when given
hist_sum() {
    awk -v re="${2-}" '
        /^(disk|flags) = / { insec = (re == "" || $0 ~ re); next }
        / -> .* : / { if (re == "" || insec) { split($0, a, ":"); split(a[2], b, " "); s += b[1] } }
        END { print s + 0 }' "$1"
}

# ext_field FILE NAME: from the "avg = A usecs, total: T usecs, count: C" line, A, T or C
ext_field() {
    sed -n 's/^avg = \([0-9]*\) [mu]secs, total: \([0-9]*\) [mu]secs, count: \([0-9]*\)$/\1 \2 \3/p' "$1" |
        awk -v f="$2" '{ print (f == "avg" ? $1 : f == "total" ? $2 : $3) }'
}

# every histogram row has BCC's layout: "%10d -> %-10d : %-8d |%-40s|"
assert_rows_layout() {
    run grep -c -E '^ +[0-9]+ -> [0-9]+ +: [0-9]+ +\|[* ]{40}\|$' "$1"
    local good=$output
    run grep -c -- ' -> ' "$1"
    assert_equal "$good" "$output"
}

@test "-d DISK 1 1: the histogram counts every I/O issued, then it exits" {
    make_loop
    start_bio -d "$DISK" 1 1
    do_io
    wait_exit 10
    assert_equal "$(head -1 "$OUT")" "Tracing block device I/O... Hit Ctrl-C to end."
    assert_equal "$(sed -n 2p "$OUT")" ""
    assert_equal "$(sed -n 3p "$OUT")" "     usecs               : count     distribution"
    assert_equal "$(sed -n 4p "$OUT" | cut -c1-27)" "         0 -> 1          : "
    assert_rows_layout "$OUT"
    assert_counted "$(hist_sum "$OUT")" "$((NR + NW))" "$ERR"
    stderr_clean "$ERR"
}

@test "Ctrl-C prints the final histogram" {
    make_loop
    start_bio -d "$DISK"
    do_io
    stop_bio
    assert_counted "$(hist_sum "$OUT")" "$((NR + NW))" "$ERR"
}

@test "-D prints a disk = loopN section holding our I/O" {
    make_loop
    start_bio -D
    do_io
    stop_bio
    run grep -cx "disk = $DISK" "$OUT"
    assert_output 1
    assert_counted "$(hist_sum "$OUT" "^disk = $DISK\$")" "$((NR + NW))" "$ERR"
    # sections in name order, each a blank line, the section line, then a histogram header
    run sed -n 's/^disk = //p' "$OUT"
    assert_equal "$output" "$(sed -n 's/^disk = //p' "$OUT" | LC_ALL=C sort)"
    run grep -A1 -x "disk = $DISK" "$OUT"
    assert_line --index 1 "     usecs               : count     distribution"
}

@test "-F separates reads from writes, with BCC's flag names" {
    make_loop
    start_bio -F -d "$DISK"
    do_io
    stop_bio
    assert_counted "$(hist_sum "$OUT" '^flags = ([A-Za-z]+-)*Read$')" "$NR" "$ERR"
    assert_counted "$(hist_sum "$OUT" '^flags = ([A-Za-z]+-)*Write$')" "$NW" "$ERR"
    assert_counted "$(hist_sum "$OUT")" "$((NR + NW))" "$ERR"
    # O_DIRECT requests are synchronous: BCC names them Sync-Read and ...-Sync-Write
    run cat "$OUT"
    assert_line "flags = Sync-Read"
    assert_line --regexp '^flags = ([A-Za-z]+-)*Sync-Write$'
}

@test "-m: a millisecond histogram" {
    make_loop
    start_bio -m -d "$DISK"
    do_io
    stop_bio
    run cat "$OUT"
    assert_line "     msecs               : count     distribution"
    refute_line --partial usecs
    assert_counted "$(hist_sum "$OUT")" "$((NR + NW))" "$ERR"
}

@test "-e: avg, total and count consistent with the buckets" {
    make_loop
    start_bio -e -d "$DISK"
    do_io
    stop_bio
    local avg total count
    avg=$(ext_field "$OUT" avg)
    total=$(ext_field "$OUT" total)
    count=$(ext_field "$OUT" count)
    [ -n "$count" ] || fail "no avg line"
    assert_counted "$count" "$((NR + NW))" "$ERR"
    assert_equal "$count" "$(hist_sum "$OUT")"
    assert_equal "$avg" "$((total / count))"
    # each latency lies in its row's range, so the total lies between the sums of the bounds
    run awk '/ -> .* : / { split($0, a, ":"); split(a[1], r, " -> "); split(a[2], c, " ");
        lo += r[1] * c[1]; hi += r[2] * c[1];
        if (c[1] > 0) { if (min == "") min = r[1]; max = r[2] } }
        END { print lo, hi, min, max }' "$OUT"
    read -r lo hi min max <<<"$output"
    [ "$lo" -le "$total" ] && [ "$total" -le "$hi" ] || fail "total $total not in [$lo, $hi]"
    [ "$min" -le "$avg" ] && [ "$avg" -le "$max" ] || fail "avg $avg not in [$min, $max]"
    # BCC's layout: a blank line, the avg line, a blank line
    run awk '/^avg = / { getline next_line; print "[" prev "][" next_line "]" } { prev = $0 }' "$OUT"
    assert_output "[][]"
}

@test "-T 1 3: a time per interval, and it ends after 3 intervals" {
    make_loop
    local t0=$SECONDS
    run_bct biolatency -T -d "$DISK" 1 3
    [ $((SECONDS - t0)) -ge 2 ] || fail "3 intervals of 1 s took less than 2 s"
    run grep -cE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$' <<<"$output"
    assert_output 3
}

@test "no I/O: the text shows no histogram; JSON still has one object per interval" {
    make_loop
    "$BCCTOOL" biolatency -d "$DISK" 1 1 >"$T/out"
    run cat -A "$T/out"
    assert_output "Tracing block device I/O... Hit Ctrl-C to end.\$
\$"
    run_bct biolatency --json -d "$DISK" 1 2
    assert_equal "${#lines[@]}" 2
    run jq -c '[.val_type, .data]' <<<"$output"
    assert_line --index 0 '["usecs",[]]'
    assert_line --index 1 '["usecs",[]]'
}

@test "-j and --json: strict JSON lines whose counts match the text output" {
    command -v jq >/dev/null || skip "jq is not installed"
    make_loop
    local text text_err j1 j1_err j1_pid j2 j2_err j2_pid
    start_bio -d "$DISK"
    text=$OUT text_err=$ERR
    local text_pid=$PID
    READY_LINKS=2 start_bio -j -d "$DISK"
    j1=$OUT j1_err=$ERR j1_pid=$PID
    READY_LINKS=2 start_bio --json -D -e -d "$DISK"
    j2=$OUT j2_err=$ERR j2_pid=$PID
    do_io
    stop_bio "$text_pid" "$text" "$text_err"
    stop_bio "$j1_pid" "$j1" "$j1_err"
    stop_bio "$j2_pid" "$j2" "$j2_err"
    # every line is one JSON object (jq fails on Python's dicts)
    run jq -e -c 'type == "object"' "$j1" "$j2"
    assert_success
    assert_equal "$(wc -l <"$j1")" 1
    assert_equal "$(wc -l <"$j2")" 1
    run jq -r '.val_type, (.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")),
        has("disk")' "$j1"
    assert_output "usecs
true
false"
    assert_counted "$(jq '[.data[].count] | add' "$j1")" "$((NR + NW))" "$j1_err"
    assert_counted "$(hist_sum "$text")" "$((NR + NW))" "$text_err"
    run jq -r '.disk, (.count == ([.data[].count] | add)), (.avg == ((.total / .count) | floor))' "$j2"
    assert_output "$DISK
true
true"
    assert_counted "$(jq .count "$j2")" "$((NR + NW))" "$j2_err"
    # the buckets: 0-1, 2-3, 4-7, ... as BCC's print_json_hist numbers them
    run jq -e '[.data | to_entries[] | .key as $i | .value |
        ."interval-start" == (if $i == 0 then 0 else pow(2; $i) end) and
        ."interval-end" == pow(2; $i + 1) - 1] | all' "$j1"
    assert_success
}

@test "-Q never reports lower latencies than without it, for the same I/O" {
    make_loop
    grep -qw mq-deadline "/sys/block/$DISK/queue/scheduler" || skip "no mq-deadline scheduler"
    # a scheduler, so that requests are queued (block_rq_insert) before they are issued
    echo mq-deadline >"/sys/block/$DISK/queue/scheduler"
    local q q_err q_pid
    start_bio -Q -e -d "$DISK"
    q=$OUT q_err=$ERR q_pid=$PID
    start_bio -e -d "$DISK"
    do_io
    stop_bio "$q_pid" "$q" "$q_err"
    stop_bio
    if [ "$(missed "$q_err")" -gt 0 ] || [ "$(missed "$ERR")" -gt 0 ]; then
        skip "events were missed (see stderr): the totals cannot be compared"
    fi
    assert_equal "$(ext_field "$q" count)" "$((NR + NW))"
    assert_equal "$(ext_field "$OUT" count)" "$((NR + NW))"
    local tq t
    tq=$(ext_field "$q" total)
    t=$(ext_field "$OUT" total)
    echo "total with -Q: $tq, without: $t"
    [ "$tq" -ge "$t" ] || fail "-Q total $tq < $t"
}

# methods_run METHOD DISABLE: -D, -F, -Q with the given attach method forced. Perf-event
# tracepoint programs share a per-CPU guard with every kprobe and tracepoint program and with
# bpf() map syscalls of every process, so on a machine where other BPF tools are busy the
# kernel skips some of their runs; biolatency reports how many, and every I/O missing from a
# histogram must be covered by that report (raw_tp and tp_btf programs are not skipped so).
methods_run() {
    local method=$1 p1 o1 e1 p2 o2 e2 e
    export BCCTOOL_DISABLE_ATTACH=$2 BCCTOOL_LOG=debug
    ALLOW_STDERR=1
    start_bio -D -d "$DISK"
    p1=$PID o1=$OUT e1=$ERR
    start_bio -F -d "$DISK"
    p2=$PID o2=$OUT e2=$ERR
    start_bio -Q -e -d "$DISK"
    unset BCCTOOL_DISABLE_ATTACH BCCTOOL_LOG
    do_io
    stop_bio "$p1" "$o1" "$e1"
    stop_bio "$p2" "$o2" "$e2"
    stop_bio
    for e in "$e1" "$e2" "$ERR"; do
        grep -q "attaching with $method" "$e" || fail "$e: not attached with $method: $(cat "$e")"
    done
    assert_counted "$(hist_sum "$o1" "^disk = $DISK\$")" "$((NR + NW))" "$e1"
    assert_counted "$(hist_sum "$o2" '^flags = ([A-Za-z]+-)*Read$')" "$NR" "$e2"
    assert_counted "$(hist_sum "$o2" '^flags = ([A-Za-z]+-)*Write$')" "$NW" "$e2"
    assert_counted "$(ext_field "$OUT" count)" "$((NR + NW))" "$ERR"
}

@test "the raw_tp method: -D, -F, -Q and -d count the same" {
    make_loop
    methods_run raw_tp tp_btf
}

@test "the tracepoint method: -D, -F, -Q and -d count the same" {
    make_loop
    methods_run tracepoint tp_btf,raw_tp
}

@test "--cgroup counts only the I/O issued from that cgroup" {
    make_loop
    in_cgroup
    start_bio --cgroup "$CG" -d "$DISK"
    # the reads from inside the cgroup, the writes from outside
    (
        echo "$BASHPID" >"$CG/cgroup.procs"
        exec dd if="$LOOP" of=/dev/null bs=4k count=$NR iflag=direct status=none
    )
    dd if=/dev/zero of="$LOOP" bs=4k count=$NW seek=256 oflag=direct status=none
    stop_bio
    # The filter judges the task running when a request is issued (see the man page): the
    # block layer sometimes dispatches a request later from a kernel worker, which is not in
    # the cgroup, so a few reads may go uncounted. None of the writes may be counted.
    local n
    n=$(hist_sum "$OUT")
    [ "$n" -le "$NR" ] || fail "count $n: I/O from outside the cgroup was counted (reads: $NR)"
    [ "$n" -ge $((NR / 2)) ] || fail "count $n: most of the cgroup's $NR reads were not counted"
}

@test "--cgroup with a path that is not a cgroup v2 directory fails" {
    require_bpf
    run_bct 1 biolatency --cgroup "$BATS_TEST_TMPDIR"
    assert_output --partial "is not a cgroup v2 directory"
}

@test "-D with -F: BCC's error, exit 1" {
    run_bct 1 biolatency -D -F
    assert_output "ERROR: can only use -D or -F. Exiting."
}

@test "-d with a disk that does not exist: BCC's error, exit 1" {
    run_bct 1 biolatency -d "nosuchdisk$$"
    assert_output "no such disk 'nosuchdisk$$'"
}

@test "interval and count must be positive integers" {
    run_bct 2 biolatency 0
    assert_output --partial "invalid interval: '0'"
    run_bct 2 biolatency 1 x
    assert_output --partial "invalid count: 'x'"
    run_bct 2 biolatency 1 2 3
}

@test "--ebpf prints the program with the options' defines, without loading it" {
    run_bct biolatency --ebpf -Q -D -e -m
    assert_line --partial '#define BIOLAT_QUEUED'
    assert_line --partial '#define BIOLAT_PER_DISK'
    assert_line --partial '#define BIOLAT_EXTENSION'
    assert_line --partial '#define BIOLAT_FACTOR 1000000'
    assert_line --partial 'SEC("tp_btf/block_rq_issue")'
    refute_line --partial 'Tracing block device'
}
