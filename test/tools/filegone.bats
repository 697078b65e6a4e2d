#!/usr/bin/env bats
# bats file_tags=needs:bpf
# filegone with real events: test/workloads/filer deletes and renames N files of its own each,
# under a marked command name; each test counts what the tracer printed for that command.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=25

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=fgone$$_$BATS_TEST_NUMBER
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
    echo "\$ bcctool filegone $*"
    "$BCCTOOL" filegone "$@" >"$OUT" 2>"$ERR" &
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
    [ "$rc" -eq 0 ] || fail "filegone exited $rc"
    [ ! -s "$ERR" ] || fail "filegone wrote to stderr: $(cat "$ERR")"
}

# expected NAME...: the lines the marked workload should make, in order, without TIME
expected_lines() {
    local i
    for i in $(seq 0 $((N - 1))); do printf 'DELETE u.%d\n' "$i"; done
    for i in $(seq 0 $((N - 1))); do printf 'DELETE a.%d\n' "$i"; done
    for i in $(seq 0 $((N - 1))); do printf 'DELETE d.%d\n' "$i"; done
    for i in $(seq 0 $((N - 1))); do printf 'RENAME r.%d > r.%d.new\n' "$i" "$i"; done
}

@test "N unlinks, unlinkats, rmdirs and renames: exactly those lines, in BCC's columns" {
    local wl
    bg_workload wl filer -N "$MARK" -n "$N" "$D" unlink unlinkat rmdir rename
    start_trace -n "$MARK"
    go_workload "$wl"
    stop_trace
    cat "$OUT"
    assert_equal "$(head -1 "$OUT")" "TIME     PID     COMM             ACTION FILE"
    # "%-8s %-7d %-16s %6s %s"
    run awk -v pid="$wl" -v c="$MARK" 'NR > 1 && !(substr($0, 1, 9) ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] $/ && substr($0, 10, 8) == sprintf("%-7d ", pid) && substr($0, 18, 17) == sprintf("%-16s ", c))' "$OUT"
    assert_output ""
    assert_equal "$(tail -n +2 "$OUT" | cut -c35-)" "$(expected_lines)"
}

@test "relative paths: the same names" {
    local wl
    bg_workload wl filer -r -N "$MARK" -n "$N" "$D" unlink unlinkat rmdir rename
    start_trace -n "$MARK"
    go_workload "$wl"
    stop_trace
    assert_equal "$(tail -n +2 "$OUT" | cut -c35-)" "$(expected_lines)"
}

@test "-p keeps exactly the files of that process; failed calls do not show" {
    local a b
    mkdir -p "$D/a" "$D/b"
    bg_workload a filer -N "$MARK" -n "$N" "$D/a" unlink
    bg_workload b filer -N "$MARK" -n "$N" "$D/b" unlink
    rm "$D/a/u.3" # a's fourth unlink fails: filer stops there
    start_trace -p "$a"
    local rc=0
    kill -USR1 "$a" "$b"
    wait "$a" || rc=$?
    assert_equal "$rc" 1
    wait "$b"
    stop_trace
    cat "$OUT"
    assert_equal "$(tail -n +2 "$OUT" | cut -c35-)" "$(printf 'DELETE u.%d\n' 0 1 2)"
    assert_equal "$(tail -n +2 "$OUT" | awk -v p="$a" '$2 != p' | wc -l)" 0
}

@test "--json with --exec: one object per file, with the paths passed" {
    local w
    w=$(workload filer)
    run_bct filegone --json --exec "$w" -N "$MARK" -n "$N" "$D" unlink rename
    printf '%s\n' "$output" >"$T/json"
    run jq -c 'select(type != "object")' "$T/json"
    assert_success
    assert_output ""
    assert_equal "$(wc -l <"$T/json")" $((2 * N))
    assert_equal "$(jq -c --arg c "$MARK" --arg d "$D" 'select(.comm == $c and .action == "DELETE" and (.file | test("^u\\.[0-9]+$")) and .path == ($d + "/" + .file) and (has("new_file") | not) and (.pid | type) == "number")' "$T/json" | wc -l)" "$N"
    assert_equal "$(jq -c --arg c "$MARK" --arg d "$D" 'select(.comm == $c and .action == "RENAME" and .new_file == .file + ".new" and .new_path == ($d + "/" + .new_file))' "$T/json" | wc -l)" "$N"
    run jq -r 'keys_unsorted | join(",")' "$T/json"
    assert_line --index 0 "time,pid,comm,action,file,path"
    assert_line --index "$N" "time,pid,comm,action,file,new_file,path,new_path"
}

@test "--ebpf shows the filters; positionals are usage errors" {
    run_bct filegone --ebpf -p 1 -n foo
    assert_line --partial "#define FILTER_PID 1"
    run_bct 2 filegone 1
    assert_output --partial "unrecognized argument: '1'"
}
