#!/usr/bin/env bats
# bats file_tags=needs:bpf
# vfsstat with real events: test/workloads/filer makes N reads, writes, fsyncs, opens and
# creates of its own files; the tracer, filtered to that process with -p, must count exactly
# those (summed over its per-second lines: the interval is 1 s, so each count is the number).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=40

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=vfsst$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool vfsstat ARGS" in the background, output in $OUT and $ERR;
# wait_header returns once the header is out (printed after the programs are attached).
start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool vfsstat $*"
    "$BCCTOOL" vfsstat "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
}

wait_header() {
    wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header from the tracer"; }
}

stop_trace() {
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    cat "$OUT"
    [ "$rc" -eq 0 ] || fail "vfsstat exited $rc"
    [ ! -s "$ERR" ] || fail "vfsstat wrote to stderr: $(cat "$ERR")"
}

@test "-p: exactly the workload's reads, writes, fsyncs, opens and creates, in BCC's layout" {
    local wl
    bg_workload wl filer -N "$MARK" -n "$N" "$T" read write fsync open create
    start_trace -p "$wl"
    wait_header
    go_workload "$wl"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "TIME         READ/s  WRITE/s  FSYNC/s   OPEN/s CREATE/s"
    # "%-8s: " then " %8d" five times
    assert_equal "$(tail -n +2 "$OUT" | grep -cvE '^[0-9]{2}:[0-9]{2}:[0-9]{2}:  ( {0,7}[0-9]{1,8} ){4} {0,7}[0-9]{1,8}$')" 0
    [ "$(tail -n +2 "$OUT" | wc -l)" -ge 1 ]
    # opens: the N opens and the N creates
    run awk 'NR > 1 { r += $2; w += $3; f += $4; o += $5; c += $6 } END { print r, w, f, o, c }' "$OUT"
    assert_output "$N $N $N $((2 * N)) $N"
}

@test "interval and count: one line per interval, per-second rates, then exit" {
    local wl
    bg_workload wl filer -N "$MARK" -n 60 "$T" write
    start_trace -p "$wl" 2 1
    wait_header
    go_workload "$wl"
    local rc=0
    wait "$TRACER" || rc=$?
    cat "$OUT"
    assert_equal "$rc" 0
    assert_equal "$(wc -l <"$OUT")" 2
    # 60 writes in a 2-second interval: 30 per second
    assert_equal "$(awk 'NR == 2 { print $3 }' "$OUT")" 30
}

@test "--json: one object per interval with the five rates" {
    local wl
    bg_workload wl filer -N "$MARK" -n "$N" "$T" read create
    start_trace --json -p "$wl"
    wait_header # the first interval's object: attached
    go_workload "$wl"
    stop_trace
    run jq -c 'select(type != "object")' "$OUT"
    assert_success
    assert_output ""
    run jq -r 'keys_unsorted | join(",")' "$OUT"
    assert_line --index 0 "ts,interval,read,write,fsync,open,create"
    run jq -s -r '[(map(.read) | add), (map(.open) | add), (map(.create) | add), (map(.write) | add)] | join(" ")' "$OUT"
    assert_output "$N $N $N 0"
}

@test "--ebpf shows the PID filter; bad positionals are usage errors" {
    run_bct vfsstat --ebpf -p 1
    assert_line --partial "#define FILTER_PID 1"
    run_bct 2 vfsstat x
}
