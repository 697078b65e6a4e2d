#!/usr/bin/env bats
# bats file_tags=needs:bpf
# exitsnoop with real events: test/workloads/execexit runs N children under a unique command
# name that exit with a given code, die of a given signal or end threads, each after a known
# time; each test counts the lines the tracer printed for that name.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=10

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    NAME=xt${BATS_TEST_NUMBER}_$$ # at most 15 characters
    BG=()
}

teardown() {
    bg_kill
}

start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool exitsnoop $*"
    "$BCCTOOL" exitsnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header"; }
}

# --json has no header: a marked process exits until the tracer shows it.
start_trace_json() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool exitsnoop $*"
    "$BCCTOOL" exitsnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 sh -c "'$(workload execexit)' -N rdy$$ -n 1 exit 0; grep -q rdy$$ '$OUT'" ||
        { cat "$ERR" >&2; fail "tracer never showed the ready marker"; }
}

stop_trace() {
    sleep 0.05 # the tracer drains every few ms
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "exitsnoop exited $rc"
    [ ! -s "$ERR" ] || fail "exitsnoop wrote to stderr: $(cat "$ERR")"
}

# lines AWK-CONDITION: the trace lines of our command name that also match the condition
lines() {
    awk -v n="$NAME" "\$1 == n && ($1)" "$OUT"
}

count() {
    lines "$1" | wc -l
}

@test "N exits with a code: 'code 7', PID = TID, the workload as PPID, AGE from the start" {
    bg_workload W execexit -N "$NAME" -n "$N" exit 7 100
    start_trace
    go_workload "$W"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "PCOMM            PID     PPID    TID     AGE(s)  EXIT_CODE "
    assert_equal "$(count "\$3 == $W && \$2 == \$4 && \$6 == \"code\" && \$7 == 7 && NF == 7")" "$N"
    # each child lived 100 ms (a loaded machine may add some)
    assert_equal "$(count "\$3 == $W && \$5 >= 0.10 && \$5 < 0.60")" "$N"
    # and the workload itself: exit 0, "0"
    assert_equal "$(count "\$2 == $W && \$6 == \"0\" && NF == 6")" 1
    # the exact layout: %-16s %-7d %-7d %-7d %-7.2f code N
    line=$(lines "\$3 == $W" | head -1)
    read -r _ pid _ _ age _ <<<"$line"
    assert_equal "$line" "$(printf '%-16s %-7d %-7d %-7d %-7.2f code 7' "$NAME" "$pid" "$W" "$pid" "$age")"
}

@test "N deaths by a signal: 'signal 15 (TERM)'; -x hides exit(0)" {
    bg_workload W execexit -N "$NAME" -n "$N" signal 15
    bg_workload V execexit -N "$NAME" -n "$N" exit 0
    start_trace -x
    go_workload "$W" "$V"
    stop_trace
    assert_equal "$(count "\$3 == $W && \$6 == \"signal\" && \$7 == 15 && \$8 == \"(TERM)\"")" "$N"
    assert_equal "$(count "\$6 == \"0\"")" 0

    bg_workload W execexit -N "$NAME" -n "$N" signal 10
    start_trace
    go_workload "$W"
    stop_trace
    assert_equal "$(count "\$3 == $W && \$6 == \"signal\" && \$7 == 10 && \$8 == \"(USR1)\"")" "$N"
}

@test "--per-thread and -T: every thread's end; without: one line per process" {
    bg_workload W execexit -N "$NAME" -n "$N" threads 3
    start_trace
    go_workload "$W"
    stop_trace
    assert_equal "$(count "\$3 == $W")" "$N"
    assert_equal "$(count "\$2 != \$4")" 0

    for opt in --per-thread -T; do
        bg_workload W execexit -N "$NAME" -n "$N" threads 3
        start_trace "$opt"
        go_workload "$W"
        stop_trace
        assert_equal "$(count "\$3 == $W && \$2 == \$4")" "$N"
        assert_equal "$(count "\$3 == $W && \$2 != \$4")" "$((3 * N))"
    done
}

@test "-p PID: only that process, and the trace ends when it does" {
    bg_workload W execexit -N "$NAME" -n "$N" exit 3
    start_trace -p "$W"
    go_workload "$W"
    rc=0
    wait_for - 500 sh -c "! kill -0 $TRACER" || fail "exitsnoop -p did not end with its process"
    wait "$TRACER" || rc=$?
    assert_equal "$rc" 0
    assert_equal "$(count "\$2 == $W && \$6 == \"0\"")" 1
    assert_equal "$(count "\$2 != $W")" 0 # not its children
    [ ! -s "$ERR" ] || fail "stderr: $(cat "$ERR")"
}

@test "-t --utc --label: BCC's time and label columns" {
    h1=$(date -u +%H)
    bg_workload W execexit -N "$NAME" -n "$N" exit 5
    start_trace --utc --label=
    go_workload "$W"
    stop_trace
    h2=$(date -u +%H)
    assert_equal "$(head -1 "$OUT")" "TIME-UTC     LABEL PCOMM            PID     PPID    TID     AGE(s)  EXIT_CODE "
    assert_equal "$(grep -cE "^[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} exit  $NAME +[0-9]+ +$W +[0-9]+ +[0-9.]+ +code 5\$" "$OUT")" "$N"
    # UTC: the hour of the events is the hour of the test's start or end
    assert_equal "$(awk -v a="$h1" -v b="$h2" -v n="$NAME" \
        '$3 == n && substr($1, 1, 2) != a && substr($1, 1, 2) != b' "$OUT" | wc -l)" 0

    bg_workload W execexit -N "$NAME" -n "$N" exit 5
    TZ=UTC start_trace -t --label exitlbl
    go_workload "$W"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "TIME-UTC     LABEL PCOMM            PID     PPID    TID     AGE(s)  EXIT_CODE "
    assert_equal "$(grep -cE "^[0-9:.]{12} exitlbl $NAME .* code 5\$" "$OUT")" "$N"
}

@test "--json: exit_code or signal, signal_name and core_dumped, agreeing with the text" {
    command -v jq >/dev/null || skip "jq is not installed"
    bg_workload W execexit -N "$NAME" -n "$N" exit 9 50
    bg_workload V execexit -N "$NAME" -n "$N" signal 15
    start_trace_json --json
    go_workload "$W" "$V"
    stop_trace
    run jq -e -c 'type == "object"' "$OUT"
    assert_success
    run jq -r --arg n "$NAME" --argjson w "$W" \
        'select(.comm == $n and .ppid == $w) | [.exit_code, has("signal"), .pid == .tid, .age >= 0.05] | @tsv' "$OUT"
    assert_equal "$(sort -u <<<"$output")" "$(printf '9\tfalse\ttrue\ttrue')"
    assert_equal "${#lines[@]}" "$N"
    run jq -r --arg n "$NAME" --argjson w "$V" \
        'select(.comm == $n and .ppid == $w) | [.signal, .signal_name, .core_dumped, has("exit_code")] | @tsv' "$OUT"
    assert_equal "$(sort -u <<<"$output")" "$(printf '15\tTERM\t0\tfalse')"
    assert_equal "${#lines[@]}" "$N"
}

@test "--exec: runs the command, shows how it ended, exits with it" {
    run_bct exitsnoop --exec sh -c 'exit 3'
    assert_line --index 0 "PCOMM            PID     PPID    TID     AGE(s)  EXIT_CODE "
    assert_line --regexp '^sh +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+ +code 3$'
    assert_equal "${#lines[@]}" 2
}

@test "each attach method (tp_btf, raw_tp, tracepoint) shows the same exits" {
    local off method
    for off in "" tp_btf tp_btf,raw_tp; do
        method=$(BCCTOOL_DISABLE_ATTACH=$off "$BCCTOOL" check exitsnoop | awk '{ print $2 }')
        echo "disabled: '$off' -> $method"
        bg_workload W execexit -N "$NAME" -n "$N" exit 4
        BCCTOOL_DISABLE_ATTACH=$off start_trace
        go_workload "$W"
        stop_trace
        assert_equal "$(count "\$3 == $W && \$6 == \"code\" && \$7 == 4")" "$N"
    done
    assert_equal "$method" tracepoint
}
