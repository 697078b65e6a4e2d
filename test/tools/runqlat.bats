#!/usr/bin/env bats
# bats file_tags=needs:bpf
# runqlat against a known workload: syscaller sleeps N times (nanosleep), pinned to one CPU, so
# the scheduler wakes it N times and each wake-up ends with the task switched in: N run queue
# latencies at least. Preemptions add a few more (and the SIGUSR1 that starts it one), so the
# tests assert N <= count <= 3N for the workload, never an exact total.
# Tracers run in the background ("$BCCTOOL" directly); teardown kills what a test left running.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=200    # sleeps per workload
USEC=500 # each this long

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    CPU=$(($(nproc) - 1))
}

teardown() {
    bg_kill
}

# sleeper [N]: a syscaller that will sleep N times (default $N), pinned to $CPU, waiting for
# go_workload; its PID in $W
sleeper() {
    bg_workload W syscaller -n "${1:-$N}" -N rqlsleep sleep "$USEC"
    taskset -pc "$CPU" "$W" >/dev/null || fail "cannot pin $W to CPU $CPU"
}

# start_rq ARGS...: "bcctool runqlat ARGS" in the background; output in $OUT, $ERR, PID in $PID.
# Returns once tracing is attached: the "Tracing..." line, or for JSON (no such line) once the
# process holds its BPF links.
start_rq() {
    local i links want=0
    [[ " $* " == *" --json "* ]] && want=$(runq_links runqlat)
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/rq.$SEQ.out
    ERR=$T/rq.$SEQ.err
    echo "\$ bcctool runqlat $*"
    "$BCCTOOL" runqlat "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    BG+=("$PID")
    for ((i = 0; i < 3000; i++)); do
        if [[ " $* " == *" --json "* ]]; then
            links=$(ls -l "/proc/$PID/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge "$want" ] && return 0
        elif grep -q '^Tracing run queue latency' "$OUT" 2>/dev/null; then
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$ERR" >&2; fail "runqlat $* exited early"; }
        sleep 0.01
    done
    fail "runqlat $* never got ready"
}

# stop_rq [PID OUT ERR]: SIGINT; it must print its last histograms and exit 0, with nothing on
# stderr but the missed report
stop_rq() {
    local pid=${1:-$PID} out=${2:-$OUT} err=${3:-$ERR} rc=0
    kill -INT "$pid"
    wait "$pid" || rc=$?
    echo "--- runqlat (exit $rc):"
    cat "$out"
    echo "--- stderr: $(cat "$err")"
    [ "$rc" -eq 0 ] || fail "runqlat exited $rc"
    run grep -v 'run queue latencies missed' "$err"
    [ -z "$output" ] || fail "runqlat wrote to stderr: $output"
}

# hist_sum FILE [REGEX]: the sum of the count column of the histogram rows, of the sections
# whose "pid = "/"tid = "/"pidns = " line matches REGEX when given
hist_sum() {
    awk -v re="${2-}" '
        /^(pid|tid|pidns) = / { insec = (re == "" || $0 ~ re); next }
        / -> .* : / { if (re == "" || insec) { split($0, a, ":"); split(a[2], b, " "); s += b[1] } }
        END { print s + 0 }' "$1"
}

# assert_plausible COUNT: the workload's N wake-ups, and not wildly more
assert_plausible() {
    # a sleep that ends before its task is switched out has no wake-up to time: at least 9 in
    # 10 of them (a loaded machine gave 197 of 200)
    [ "$1" -ge $((N * 9 / 10)) ] || fail "count $1 < 9/10 of $N sleeps of the workload"
    [ "$1" -le $((3 * N)) ] || fail "count $1 > 3 * $N: latencies counted twice?"
}

@test "-p PID: at least one latency per wake-up of the workload, in BCC's layout" {
    sleeper
    start_rq -p "$W"
    go_workload "$W"
    stop_rq
    assert_equal "$(head -1 "$OUT")" "Tracing run queue latency... Hit Ctrl-C to end."
    assert_equal "$(sed -n 2p "$OUT")" ""
    assert_equal "$(sed -n 3p "$OUT")" "     usecs               : count     distribution"
    assert_equal "$(sed -n 4p "$OUT" | cut -c1-27)" "         0 -> 1          : "
    run grep -c -E '^ +[0-9]+ -> [0-9]+ +: [0-9]+ +\|[* ]{40}\|$' "$OUT"
    assert_equal "$output" "$(grep -c -- ' -> ' "$OUT")"
    assert_plausible "$(hist_sum "$OUT")"
}

@test "-p filters: another process's wake-ups are not counted" {
    local other
    sleeper
    other=$W
    sleeper 20
    start_rq -p "$W"
    go_workload "$other"
    stop_rq
    # the traced one never ran: nothing at all
    run cat -A "$OUT"
    assert_output "Tracing run queue latency... Hit Ctrl-C to end.\$
\$"
}

@test "-P: a pid = PID section holds the workload's latencies; sections in PID order" {
    sleeper
    start_rq -P
    go_workload "$W"
    stop_rq
    run grep -cx "pid = $W" "$OUT"
    assert_output 1
    assert_plausible "$(hist_sum "$OUT" "^pid = $W\$")"
    run sed -n 's/^pid = //p' "$OUT"
    assert_equal "$output" "$(sed -n 's/^pid = //p' "$OUT" | sort -n)"
    run grep -A1 -x "pid = $W" "$OUT"
    assert_line --index 1 "     usecs               : count     distribution"
}

@test "-L: a tid = TID section for the workload's thread" {
    sleeper
    start_rq -L -p "$W"
    go_workload "$W"
    stop_rq
    run grep -E '^(pid|tid|pidns) = ' "$OUT"
    assert_output "tid = $W"
    assert_plausible "$(hist_sum "$OUT" "^tid = $W\$")"
}

@test "--pidnss: a pidns = INODE section of the workload's PID namespace" {
    local ns
    sleeper
    ns=$(readlink "/proc/$W/ns/pid")
    ns=${ns#pid:[}
    ns=${ns%]}
    start_rq --pidnss -p "$W"
    go_workload "$W"
    stop_rq
    run grep -E '^(pid|tid|pidns) = ' "$OUT"
    assert_output "pidns = $ns"
    assert_plausible "$(hist_sum "$OUT")"
}

@test "-m: a millisecond histogram; sub-millisecond waits land in 0 -> 1" {
    sleeper
    start_rq -m -p "$W"
    go_workload "$W"
    stop_rq
    run cat "$OUT"
    assert_line "     msecs               : count     distribution"
    refute_line --partial usecs
    assert_plausible "$(hist_sum "$OUT")"
    local first
    first=$(awk '/^ +0 -> 1 +:/ { split($0, a, ":"); split(a[2], b, " "); print b[1] }' "$OUT")
    [ "$first" -ge $((N / 2)) ] || fail "only $first of the waits below 2 ms"
}

@test "--json: one object per section, counts equal to the text's for the same events" {
    local text text_err text_pid
    sleeper
    start_rq -P -p "$W"
    text=$OUT text_err=$ERR text_pid=$PID
    start_rq --json -P -p "$W"
    go_workload "$W"
    stop_rq "$text_pid" "$text" "$text_err"
    stop_rq
    run jq -e -c 'type == "object"' "$OUT"
    assert_success
    assert_equal "$(wc -l <"$OUT")" 1
    run jq -r '.val_type, .pid, (.pid | type),
        (.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"))' "$OUT"
    assert_output "usecs
$W
number
true"
    grep -q 'missed' "$ERR" "$text_err" && skip "events were missed: the counts cannot be compared"
    # both tracers saw the same scheduler events: the same number of latencies (each program
    # reads the clock itself, so a latency near a slot's edge may land in the next slot)
    assert_equal "$(jq '[.data[].count] | add' "$OUT")" "$(hist_sum "$text")"
    # the rows: 0-1, 2-3, 4-7, ... as in the text, up to the same last non-empty one
    run jq -r '.data[] | "\(."interval-start") \(."interval-end")"' "$OUT"
    assert_output "$(awk '/ -> .* : / { print $1, $3 }' "$text")"
}

@test "-T 1 3: a time per interval, and it ends after 3 intervals" {
    local t0=$SECONDS
    run_bct runqlat -T -p 1 1 3
    [ $((SECONDS - t0)) -ge 2 ] || fail "3 intervals of 1 s took less than 2 s"
    run grep -cE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$' <<<"$output"
    assert_output 3
}

@test "interval and count: --json prints one object per interval even without events" {
    sleeper # waits for go_workload: no events
    run_bct runqlat --json -p "$W" 1 2
    assert_equal "${#lines[@]}" 2
    run jq -c '[.val_type, (.data | length)]' <<<"$output"
    assert_line --index 0 '["usecs",0]'
    assert_line --index 1 '["usecs",0]'
}

@test "sched_info is the method where the kernel stamps queued tasks" {
    local waits
    waits=$(awk '{ print $2 }' /proc/1/schedstat 2>/dev/null || true)
    [ "${waits:-0}" -gt 0 ] || skip "no run queue waits in /proc/1/schedstat (CONFIG_SCHED_INFO)"
    run_bct check runqlat
    assert_line --regexp '^runqlat +sched_info$'
}

# method_counts DISABLED METHOD: with BCCTOOL_DISABLE_ATTACH=DISABLED, runqlat attaches with
# METHOD and counts the workload's wake-ups
method_counts() {
    sleeper
    BCCTOOL_DISABLE_ATTACH=$1 BCCTOOL_LOG=debug start_rq -p "$W"
    go_workload "$W"
    kill -INT "$PID"
    wait "$PID"
    grep -q "attaching with $2" "$ERR" || fail "not attached with $2: $(cat "$ERR")"
    assert_plausible "$(hist_sum "$OUT")"
}

@test "the tp_btf method (wake-up programs, BCC's events) counts the same" {
    method_counts sched_info tp_btf
}

@test "the raw_tp method counts the same" {
    method_counts tp_btf raw_tp
}

@test "usage errors: bad interval, count, PID, extra argument" {
    run_bct 2 runqlat 0
    assert_output --partial "invalid interval: '0'"
    run_bct 2 runqlat 1 x
    assert_output --partial "invalid count: 'x'"
    run_bct 2 runqlat 1 2 3
    run_bct 2 runqlat -p abc
}

@test "--ebpf prints the program with the options' defines, without loading it" {
    run_bct runqlat --ebpf -L -m -p 42
    assert_line --partial '#define RUNQLAT_PER_TID'
    assert_line --partial '#define RUNQLAT_FACTOR 1000000'
    assert_line --partial '#define FILTER_PID 42'
    assert_line --partial 'SEC("tp_btf/sched_switch")'
    refute_line --partial 'Tracing run queue'
}
