#!/usr/bin/env bats
# bats file_tags=needs:bpf
# pidpersec counts every fork system-wide, and other tests fork at the same time, so the sum
# of its lines is bounded on both sides: at least the N forks test/workloads/syscaller makes
# while it traces, at most the forks the kernel counted in /proc/stat ("processes") from
# before the tracer started to after it stopped.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=300

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
}

teardown() {
    bg_kill
}

forks() {
    awk '$1 == "processes" { print $2 }' /proc/stat
}

# run_pps LINE_REGEX ARGS...: pidpersec ARGS in the background; the workload forks N times
# once the tracer is attached, then one more second's line is awaited; SIGINT must end the
# tracer at once with exit 0, nothing more printed, nothing on stderr. Sets SUM (the lines'
# counts, from COUNT_CMD) and P (forks the kernel counted meanwhile).
run_pps() {
    local re=$1 p0 p1 n rc=0 i
    shift
    OUT=$T/pps.out
    ERR=$T/pps.err
    bg_workload W syscaller -n "$N" fork
    p0=$(forks)
    "$BCCTOOL" pidpersec "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    BG+=("$PID")
    # attached: the banner (text), or a BPF link (JSON)
    wait_for "$PID" 3000 sh -c "grep -q '^Tracing' '$OUT' || ls -l /proc/$PID/fd | grep -q bpf_link" ||
        fail "pidpersec never got ready: $(cat "$ERR")"
    go_workload "$W"
    n=$(grep -c . "$OUT" || true) # none yet under --json: grep exits 1
    wait_for "$PID" 300 sh -c "[ \$(grep -c . '$OUT') -gt $n ]" || fail "no line after the workload"
    # stopped while its lines are counted and it is signalled: a second's line due meanwhile
    # (a loaded machine can take that long between two commands) cannot pass for one printed
    # at Ctrl-C
    kill -STOP "$PID"
    n=$(grep -c . "$OUT")
    kill -INT "$PID"
    kill -CONT "$PID"
    wait "$PID" || rc=$?
    p1=$(forks)
    echo "--- pidpersec (exit $rc):"
    cat "$OUT"
    [ "$rc" -eq 0 ] || fail "pidpersec exited $rc: $(cat "$ERR")"
    [ ! -s "$ERR" ] || fail "pidpersec wrote to stderr: $(cat "$ERR")"
    [ "$(grep -c . "$OUT")" -eq "$n" ] || fail "a line printed at Ctrl-C"
    for ((i = 1; i <= n; i++)); do
        line=$(sed -n "${i}p" "$OUT")
        [[ $line =~ $re ]] || fail "line $i: '$line' does not match $re"
    done
    P=$((p1 - p0))
}

assert_sum() {
    echo "counted $SUM, workload $N, kernel $P"
    [ "$SUM" -ge "$N" ] || fail "counted $SUM forks, the workload made $N"
    [ "$SUM" -le "$P" ] || fail "counted $SUM forks, the kernel made $P"
}

@test "pidpersec: one line a second, at least the workload's forks, at most the kernel's" {
    run_pps '^(Tracing\.\.\. Ctrl-C to end\.|[0-9]{2}:[0-9]{2}:[0-9]{2}: PIDs/sec: [0-9]+)$'
    assert_equal "$(head -n 1 "$OUT")" "Tracing... Ctrl-C to end."
    SUM=$(awk '/PIDs\/sec/ { s += $3 } END { print s + 0 }' "$OUT")
    assert_sum
}

@test "pidpersec --json: one object a second, agreeing" {
    run_pps '^\{"ts":"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}","pids_per_sec":[0-9]+\}$' --json
    run jq -c . "$OUT"
    assert_success
    SUM=$(jq -s 'map(.pids_per_sec) | add' "$OUT")
    assert_sum
}

@test "pidpersec: the raw_tp and tracepoint methods count the same" {
    local m
    for m in tp_btf tp_btf,raw_tp; do
        export BCCTOOL_DISABLE_ATTACH=$m
        run_pps '^(Tracing\.\.\. Ctrl-C to end\.|[0-9]{2}:[0-9]{2}:[0-9]{2}: PIDs/sec: [0-9]+)$'
        SUM=$(awk '/PIDs\/sec/ { s += $3 } END { print s + 0 }' "$OUT")
        assert_sum
    done
}

@test "pidpersec: extra arguments are a usage error" {
    run_bct 2 pidpersec 1
}
