#!/usr/bin/env bats
# bats file_tags=needs:bpf
# syncsnoop with real events: test/workloads/syncer makes N calls of each sync system call
# asked for, on a file of the test's own, under a marked command name; each test counts what
# the tracer printed for that command (-n keeps only it in the text, JSON names it).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=30

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=sysnp$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
    FILE=$T/syncfile
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool syncsnoop ARGS" in the background, output in $OUT and $ERR;
# returns once the header is out (printed after the programs are attached).
start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool syncsnoop $*"
    "$BCCTOOL" syncsnoop "$@" >"$OUT" 2>"$ERR" &
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
    [ "$rc" -eq 0 ] || fail "syncsnoop exited $rc"
    [ ! -s "$ERR" ] || fail "syncsnoop wrote to stderr: $(cat "$ERR")"
}

@test "N fsyncs by a marked command: N lines with BCC's columns, -n keeps only it" {
    local wl
    bg_workload wl syncer -N "$MARK" -n "$N" "$FILE" fsync
    start_trace -n "$MARK"
    go_workload "$wl"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "TIME(s)            CALL"
    assert_equal "$(tail -n +2 "$OUT" | wc -l)" "$N"
    # "%-18.9f fsync()": seconds since boot, microsecond resolution
    run grep -cE '^[0-9]+\.[0-9]{6}000 +fsync\(\)$' "$OUT"
    assert_output "$N"
    assert_equal "$(tail -n +2 "$OUT" | awk 'length($0) != 26' | wc -l)" 0
    # times from this boot, in order
    local up
    up=$(cut -d' ' -f1 /proc/uptime)
    run awk -v up="$up" 'NR > 1 && ($1 > up + 1 || $1 < up - 60)' "$OUT"
    assert_output ""
}

@test "every sync call is named in CALL" {
    local wl
    bg_workload wl syncer -N "$MARK" -n "$N" "$FILE" syncfs fdatasync msync sync_file_range
    start_trace -n "$MARK"
    go_workload "$wl"
    stop_trace
    local c
    for c in syncfs fdatasync msync sync_file_range; do
        assert_equal "$(awk -v c="$c()" '$2 == c' "$OUT" | wc -l)" "$N"
    done
    assert_equal "$(tail -n +2 "$OUT" | wc -l)" $((4 * N))
}

@test "sync(2) itself, as BCC traces it" {
    local wl
    bg_workload wl syncer -N "$MARK" -n 2 "$FILE" sync
    start_trace -n "$MARK"
    go_workload "$wl"
    stop_trace
    assert_equal "$(awk '$2 == "sync()"' "$OUT" | wc -l)" 2
    assert_equal "$(tail -n +2 "$OUT" | wc -l)" 2
}

@test "-p keeps exactly the calls of that process" {
    local a b
    bg_workload a syncer -N "$MARK" -n "$N" "$FILE" fdatasync
    bg_workload b syncer -N "$MARK" -n "$N" "$FILE.b" fdatasync
    start_trace -p "$a"
    go_workload "$a" "$b"
    stop_trace
    # b made as many calls: only a's show
    assert_equal "$(tail -n +2 "$OUT" | wc -l)" "$N"
    assert_equal "$(awk '$2 == "fdatasync()"' "$OUT" | wc -l)" "$N"
}

@test "--json with --exec: one object per call, agreeing with the text" {
    local w
    w=$(workload syncer)
    run_bct syncsnoop --json --exec "$w" -N "$MARK" -n "$N" "$FILE" fsync msync
    printf '%s\n' "$output" >"$T/json"
    run jq -c 'select(type != "object")' "$T/json"
    assert_success
    assert_output ""
    assert_equal "$(jq -c --arg c "$MARK" 'select(.comm == $c and .call == "fsync" and (.time | type) == "number" and (.pid | type) == "number")' "$T/json" | wc -l)" "$N"
    assert_equal "$(jq -c --arg c "$MARK" 'select(.comm == $c and .call == "msync")' "$T/json" | wc -l)" "$N"
    assert_equal "$(wc -l <"$T/json")" $((2 * N))
    run jq -r 'keys_unsorted | join(",")' "$T/json"
    assert_output "$(printf 'time,call,pid,comm\n%.0s' $(seq $((2 * N))))"
    run_bct syncsnoop --exec "$w" -N "$MARK" -n "$N" "$FILE" fsync msync
    assert_equal "$(printf '%s\n' "$output" | awk '$2 == "fsync()"' | wc -l)" "$N"
    assert_equal "$(printf '%s\n' "$output" | awk '$2 == "msync()"' | wc -l)" "$N"
}

@test "--ebpf shows the filters; positionals are usage errors" {
    run_bct syncsnoop --ebpf -p 1 -n foo
    assert_line --partial "#define FILTER_PID 1"
    assert_line --partial "#define FILTER_COMM_LEN 3"
    run_bct 2 syncsnoop 1
    assert_output --partial "unrecognized argument: '1'"
}
