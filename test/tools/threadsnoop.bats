#!/usr/bin/env bats
# bats file_tags=needs:bpf
# threadsnoop with real threads: test/workloads/threader creates N threads one at a time
# under a marked command name, with a start routine named threader_marked_start_routine (in
# its symbol table), or with -a one in an anonymous page that no symbol names. With -k it
# stays alive until told, so that its symbols can be read for every line. Each test counts
# only the lines of its own workload's PID (other programs' threads may show too).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=12

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=ts$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool threadsnoop ARGS" in the background, output in $OUT and $ERR;
# returns once the header is out (printed after attaching), or under --json, which has no
# header, once a thread of a warm-up run shows.
start_trace() {
    OUT=$T/trace.out
    ERR=$T/trace.err
    echo "\$ bcctool threadsnoop $*"
    "$BCCTOOL" threadsnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    local ready=(test -s "$OUT")
    [[ " $* " != *" --json "* ]] || ready=(warm_up)
    wait_for "$TRACER" 3000 "${ready[@]}" || { cat "$ERR" >&2; fail "threadsnoop never got ready"; }
}

warm_up() {
    "$(workload threader)" -n 1 -N tswarm && test -s "$OUT"
}

stop_trace() {
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "--- threadsnoop (exit $rc):"
    cat "$OUT"
    echo "--- stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "threadsnoop exited $rc"
    [ ! -s "$ERR" ] || fail "threadsnoop wrote to stderr"
}

# lines_of PID: the text lines of that process
lines_of() {
    awk -v p="$1" '$2 == p' "$OUT"
}

# run_threader ARGS...: threader -k ARGS in the background ($WL), started once the tracer is
# attached; returns when the tracer printed N lines of it (text or JSON), then lets it exit.
run_threader() {
    local out=$T/threader.out
    "$(workload threader)" -k -w -n "$N" -N "$MARK" "$@" >"$out" &
    WL=$!
    BG+=("$WL")
    wait_for "$WL" 1000 grep -qx ready "$out" || fail "threader never got ready"
    ANON=$(sed -n 's/^anon //p' "$out")
    kill -USR1 "$WL"
    wait_for "$WL" 1000 seen "$WL" "$N" || true
    kill -USR1 "$WL"
    local rc=0
    wait "$WL" || rc=$?
    [ "$rc" -eq 0 ] || fail "threader exited $rc"
}

seen() {
    local n
    n=$(grep -cE "(^[0-9]+ +$1 |\"pid\":$1,)" "$OUT" || true)
    [ "$n" -ge "$2" ]
}

@test "N pthread_create() calls: N lines with BCC's columns and the start routine's name" {
    start_trace
    run_threader
    sleep 0.1
    stop_trace
    assert_equal "$(head -1 "$OUT")" "TIME(ms)   PID     COMM             FUNC"
    run lines_of "$WL"
    assert_equal "${#lines[@]}" "$N"
    # "%-10d %-7d %-16s %s"
    run grep -cE "^[0-9]+ +$WL +$MARK +threader_marked_start_routine\$" "$OUT"
    assert_output "$N"
    assert_equal "$(lines_of "$WL" | cut -c 11,19,36 | sort -u)" "   "
    assert_equal "$(lines_of "$WL" | cut -c 37-)" \
        "$(printf 'threader_marked_start_routine\n%.0s' $(seq "$N"))"
    # TIME(ms) counts from the first event, never backwards
    assert_equal "$(awk 'NR == 2 { print $1 }' "$OUT")" 0
    assert_equal "$(lines_of "$WL" | awk '$1 < p { bad = 1 } { p = $1 } END { print bad + 0 }')" 0
}

@test "a start routine no symbol names shows as its address in hex" {
    start_trace
    run_threader -a
    sleep 0.1
    stop_trace
    [[ "$ANON" == 0x* ]] || fail "no anonymous routine address: '$ANON'"
    run grep -cE "^[0-9]+ +$WL +$MARK +$ANON\$" "$OUT"
    assert_output "$N"
    assert_equal "$(lines_of "$WL" | wc -l)" "$N"
}

@test "--json: one object per call, agreeing with the text's columns" {
    start_trace --json
    run_threader
    sleep 0.1
    stop_trace
    jq -e . "$OUT" >/dev/null
    run jq -c --argjson p "$WL" 'select(.pid == $p)' "$OUT"
    assert_equal "${#lines[@]}" "$N"
    run jq -r --argjson p "$WL" 'select(.pid == $p) |
        [(.time_ms | type), (.tid == $p), .comm, .func, (.addr | test("^0x[0-9a-f]+$")),
         (keys | join(","))] | @tsv' "$OUT"
    assert_equal "$(printf '%s\n' "${lines[@]}" | sort -u)" \
        "$(printf 'number\ttrue\t%s\tthreader_marked_start_routine\ttrue\taddr,comm,func,pid,tid,time_ms' "$MARK")"
}

@test "threadsnoop takes no arguments: usage errors exit 2" {
    run_bct 2 threadsnoop -p 1
    run_bct 2 threadsnoop extra
}
