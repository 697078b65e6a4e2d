#!/usr/bin/env bats
# bats file_tags=needs:bpf
# filelife with real events: test/workloads/filer creates N files of its own, waits a known
# time, and deletes them, under a marked command name; each test checks the lines printed
# for that command: one per file, with its name and an age of at least the wait.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=8
AGE_MS=300

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=flife$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
    D=$T/d
    mkdir -p "$D"
}

teardown() {
    bg_kill
}

start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool filelife $*"
    "$BCCTOOL" filelife "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header from the tracer"; }
}

stop_trace() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    cat "$OUT"
    [ "$rc" -eq 0 ] || fail "filelife exited $rc"
    [ ! -s "$ERR" ] || fail "filelife wrote to stderr: $(cat "$ERR")"
}

# check_lives PID: N lines of PID and the mark, files l.0 .. l.N-1 in order, ages from
# AGE_MS to AGE_MS + 1 s
check_lives() {
    assert_equal "$(head -1 "$OUT")" "TIME     PID     COMM             AGE(s)  FILE"
    # "%-8s %-7d %-16s %-7.2f %s"
    run awk -v pid="$1" -v c="$MARK" 'NR > 1 && !(substr($0, 1, 9) ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] $/ && substr($0, 10, 8) == sprintf("%-7d ", pid) && substr($0, 18, 17) == sprintf("%-16s ", c) && substr($0, 35, 8) ~ /^[0-9]+\.[0-9][0-9] +$/)' "$OUT"
    assert_output ""
    assert_equal "$(tail -n +2 "$OUT" | awk '{ print $NF }')" "$(printf 'l.%d\n' $(seq 0 $((N - 1))))"
    run awk -v lo="$AGE_MS" 'NR > 1 && ($4 * 1000 < lo || $4 * 1000 > lo + 1000)' "$OUT"
    assert_output ""
}

@test "N files created, kept AGE_MS, deleted by absolute path: N lines with their ages" {
    local wl
    bg_workload wl filer -N "$MARK" -n "$N" -s "$AGE_MS" "$D" life
    start_trace -n "$MARK"
    go_workload "$wl"
    stop_trace
    check_lives "$wl"
}

@test "relative paths: the same lines" {
    local wl
    bg_workload wl filer -r -N "$MARK" -n "$N" -s "$AGE_MS" "$D" life
    start_trace -n "$MARK"
    go_workload "$wl"
    stop_trace
    check_lives "$wl"
}

@test "-p keeps exactly the files of that process; files born before tracing do not show" {
    local a b
    mkdir -p "$D/a" "$D/b"
    bg_workload a filer -N "$MARK" -n "$N" -s "$AGE_MS" "$D/a" life
    bg_workload b filer -N "$MARK" -n "$N" -s "$AGE_MS" "$D/b" life unlink
    start_trace -p "$a"
    go_workload "$a" "$b"
    stop_trace
    check_lives "$a"
}

@test "--json with --exec: one object per file, age and absolute path" {
    local w
    w=$(workload filer)
    run_bct filelife --json --exec "$w" -N "$MARK" -n "$N" -s "$AGE_MS" "$D" life unlink
    printf '%s\n' "$output" >"$T/json"
    run jq -c 'select(type != "object")' "$T/json"
    assert_success
    assert_output ""
    # the u.* files are made by the traced command too, before its life action
    assert_equal "$(wc -l <"$T/json")" $((2 * N))
    assert_equal "$(jq -c --arg d "$D" 'select((.file | test("^u\\.[0-9]+$")) and .path == ($d + "/" + .file))' "$T/json" | wc -l)" "$N"
    assert_equal "$(jq -c --arg c "$MARK" --arg d "$D" --argjson lo "$AGE_MS" 'select(.comm == $c and (.file | test("^l\\.[0-9]+$")) and .path == ($d + "/" + .file) and .age * 1000 >= $lo and .age < 5 and (.pid | type) == "number")' "$T/json" | wc -l)" "$N"
    run jq -r 'keys_unsorted | join(",")' "$T/json"
    assert_line --index 0 "time,pid,comm,age,file,path"
}

@test "--ebpf shows the filters; positionals are usage errors" {
    run_bct filelife --ebpf -p 1
    assert_line --partial "#define FILTER_PID 1"
    run_bct 2 filelife 1
    assert_output --partial "unrecognized argument: '1'"
}
