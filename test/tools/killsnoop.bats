#!/usr/bin/env bats
# bats file_tags=needs:bpf
# killsnoop with real events: test/workloads/sigsender makes N kill(2) calls under a marked
# command name, to a target of the test's own (a sleep, which ignores SIGWINCH and SIGURG) and
# to a PID that cannot exist (2147483647: above any pid_max, so ESRCH); each test counts the
# lines of that command. Tracers run in the background; teardown kills what a test left.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=50
NOPID=2147483647

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=ksnp$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
    sleep 1000 &
    TGT=$!
    BG+=("$TGT")
    # BCC's PID column: as wide as pid_max's digits, plus one
    PW=$(($(wc -c </proc/sys/kernel/pid_max)))
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool killsnoop ARGS" in the background, output in $OUT and $ERR;
# returns once the header is out (printed after the program is attached).
start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool killsnoop $*"
    "$BCCTOOL" killsnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header from the tracer"; }
}

# stop_trace: after the tracer's next drain, SIGINT; it must exit 0 with nothing on stderr.
stop_trace() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "killsnoop exited $rc"
    [ ! -s "$ERR" ] || fail "killsnoop wrote to stderr: $(cat "$ERR")"
}

# send ARGS...: the marked sigsender, run to its end; its PID in SENDER.
send() {
    bg_workload SENDER sigsender -N "$MARK" -n "$N" "$@"
    go_workload "$SENDER"
}

# lines: the trace lines of the marked command
lines() {
    awk -v c="$MARK" '$3 == c' "$OUT"
}

@test "N kills to a marked target: N lines with BCC's columns and widths" {
    start_trace
    send "$TGT" 28 "$NOPID" 28
    stop_trace
    printf -v want '%-9s %-*s %-16s %-4s %-*s %s' TIME "$PW" PID COMM SIG "$PW" TPID RESULT
    assert_equal "$(head -1 "$OUT")" "$want"
    assert_equal "$(lines | wc -l)" $((2 * N))
    assert_equal "$(lines | awk -v p="$SENDER" -v t="$TGT" '$2 == p && $4 == 28 && $5 == t && $6 == 0' | wc -l)" "$N"
    assert_equal "$(lines | awk -v p="$SENDER" -v t="$NOPID" '$2 == p && $4 == 28 && $5 == t && $6 == -3' | wc -l)" "$N"
    # the exact layout, "%-9s %-*d %-16s %-4d %-*d %d"
    run grep -cE "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]  $(printf '%-*s %-16s %-4s %-*s' "$PW" "$SENDER" "$MARK" 28 "$PW" "$TGT") 0\$" "$OUT"
    assert_output "$N"
}

@test "-x shows only the failed kills" {
    start_trace -x
    send "$TGT" 28 "$NOPID" 28
    stop_trace
    assert_equal "$(lines | wc -l)" "$N"
    assert_equal "$(lines | awk -v t="$NOPID" '$5 == t && $6 == -3' | wc -l)" "$N"
    run awk 'NR > 1 && $6 >= 0' "$OUT"
    assert_output ""
}

@test "-s keeps exactly that signal, by number or by name" {
    start_trace -s 28
    send "$TGT" 28 "$TGT" 23
    stop_trace
    assert_equal "$(lines | wc -l)" "$N"
    run awk 'NR > 1 && $4 != 28' "$OUT"
    assert_output ""

    start_trace -s SIGURG
    send "$TGT" 28 "$TGT" 23
    stop_trace
    assert_equal "$(lines | wc -l)" "$N"
    run awk 'NR > 1 && $4 != 23' "$OUT"
    assert_output ""
}

@test "-T keeps exactly the kills to that target" {
    start_trace -T "$TGT"
    send "$TGT" 28 "$NOPID" 28
    stop_trace
    assert_equal "$(lines | wc -l)" "$N"
    run awk -v t="$TGT" 'NR > 1 && $5 != t' "$OUT"
    assert_output ""
}

@test "-p keeps exactly the kills of that sender" {
    local a b
    bg_workload a sigsender -N "$MARK" -n "$N" "$TGT" 28
    bg_workload b sigsender -N "$MARK" -n "$N" "$TGT" 28
    start_trace -p "$a"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(lines | wc -l)" "$N"
    run awk -v p="$a" 'NR > 1 && $2 != p' "$OUT"
    assert_output ""
}

@test "--json with --exec: one object per kill, agreeing with the text" {
    local w
    w=$(workload sigsender)
    run_bct killsnoop --json --exec "$w" -N "$MARK" -n "$N" "$TGT" 28 "$NOPID" 9
    assert_success
    # the workload's own "sent" line shares stdout
    printf '%s\n' "$output" | grep -v '^sent ' >"$T/json"
    run jq -c 'select(type != "object")' "$T/json"
    assert_success
    assert_output ""
    assert_equal "$(jq -c --arg c "$MARK" --argjson t "$TGT" 'select(.comm == $c and .tpid == $t and .sig == 28 and .result == 0 and (has("error") | not))' "$T/json" | wc -l)" "$N"
    assert_equal "$(jq -c --arg c "$MARK" --argjson t "$NOPID" 'select(.comm == $c and .tpid == $t and .sig == 9 and .result == -3 and .error == "ESRCH")' "$T/json" | wc -l)" "$N"
    run jq -r 'keys_unsorted | join(",")' "$T/json"
    assert_line "time,pid,comm,sig,tpid,result"
    assert_line "time,pid,comm,sig,tpid,result,error"
    # the text of the same run
    run_bct killsnoop --exec "$w" -N "$MARK" -n "$N" "$TGT" 28
    assert_success
    assert_equal "$(printf '%s\n' "$output" | awk -v c="$MARK" -v t="$TGT" '$3 == c && $4 == 28 && $5 == t && $6 == 0' | wc -l)" "$N"
}

@test "--ebpf shows the filters as defines; bad values are usage errors" {
    run_bct killsnoop --ebpf -x -T 189 -s KILL -p 1
    assert_success
    assert_line --partial "#define FILTER_FAILED"
    assert_line --partial "#define FILTER_TPID 189"
    assert_line --partial "#define FILTER_SIG 9"
    assert_line --partial "#define FILTER_PID 1"
    run_bct 2 killsnoop -s NOPE
    assert_output --partial "invalid signal: 'NOPE'"
    run_bct 2 killsnoop -T 12x
    assert_output --partial "invalid TPID: '12x'"
    run_bct 2 killsnoop extra
}
