#!/usr/bin/env bats
# bats file_tags=needs:bpf,serial
# serial: as biolatency.bats (block tools beside each other's loop devices once counted fewer
# completions in parallel runs).
# biostacks against real I/O: each test makes its own loop device (direct I/O over a file in
# its temp dir) and writes NW O_DIRECT 4 KiB blocks to it with dd, one at a time
# (/sys/block/loopN/stat confirms one request per block, none merged); biostacks -d on that
# device must count exactly NW requests for dd, under dd's write stack.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
NW=23

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    LOOP=
}

teardown() {
    bg_kill
    loop_dev_detach
}

# stop_trace: SIGINT; the tracer prints its map and must exit 0 with nothing on stderr
stop_trace() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    cat "$OUT"
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "biostacks exited $rc"
    [ ! -s "$ERR" ] || fail "biostacks wrote to stderr: $(cat "$ERR")"
}

# dd_count: the histogram counts of dd's stacks on $DISK, summed (text output)
dd_count() {
    awk -v d="$DISK" '
        $0 == "" { in_dd = 0; next }
        /^dd +[0-9]+ / && $3 == d { in_dd = 1; next }
        in_dd && / -> .* : [0-9]+ / { n += $5 }
        END { print n + 0 }' "$OUT"
}

@test "-d DISK: NW direct writes counted under dd's write stack, libbpf-tools' layout" {
    loop_dev
    tracer_start biostacks -d "$DISK"
    assert_equal "$(head -1 "$OUT")" "Tracing block I/O with init stacks. Hit Ctrl-C to end."
    direct_io 0 "$NW"
    stop_trace
    assert_equal "$(dd_count)" "$NW"
    # only this disk; dd's lines as "%-14.14s %-6d %-7s"
    assert_equal "$(grep -cP '^\S.{13} \d.{5} \S' "$OUT")" \
        "$(grep -cP "^\\S.{13} \\d.{5} $DISK *\$" "$OUT")"
    grep -qP "^dd {13}\\d{1,6} *$DISK *\$" "$OUT"
    # the stack: frames by name, the request's start first, the write syscall below
    awk '/^dd / { s = 1; next } s && /^ +usecs/ { exit } s { print }' "$OUT" >"$T/stack"
    cat "$T/stack"
    grep -qx 'blk_mq_submit_bio' "$T/stack"
    grep -qx 'vfs_write' "$T/stack"
    grep -qx '     usecs               : count    distribution' "$OUT"
}

@test "duration, -m: ends by itself, millisecond histograms" {
    loop_dev
    tracer_start biostacks -m -d "$DISK" 3
    direct_io 0 "$NW"
    local rc=0
    wait "$TRACER" || rc=$?
    cat "$OUT"
    [ "$rc" -eq 0 ] || fail "biostacks exited $rc: $(cat "$ERR")"
    assert_equal "$(dd_count)" "$NW"
    grep -qx '     msecs               : count    distribution' "$OUT"
}

@test "--json: one object per stack, counts agreeing" {
    loop_dev
    tracer_start biostacks --json -d "$DISK"
    direct_io 0 "$NW"
    stop_trace
    jq -e . "$OUT" >/dev/null
    run jq -s --arg d "$DISK" '[.[] | select(.comm == "dd" and .disk == $d) | .hist[].count] | add' "$OUT"
    assert_equal "$output" "$NW"
    jq -e -s 'all(.[]; .unit == "usecs" and (.stack | type == "array") and (.pid | type == "number"))' "$OUT"
    jq -e -s 'any(.[]; .stack | index("vfs_write"))' "$OUT"
}

@test "bad arguments: exit 2; a disk that does not exist: exit 1" {
    run_bct 2 biostacks 0
    run_bct 2 biostacks x
    run_bct 2 biostacks 1 2
    run_bct 2 biostacks --bogus
    run_bct 1 biostacks -d nosuchdisk0
}
