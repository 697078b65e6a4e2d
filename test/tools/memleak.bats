#!/usr/bin/env bats
# bats file_tags=needs:bpf
# memleak with real allocations: test/workloads/leaker (frame pointers) malloc()s N blocks of a
# marked SIZE from leaker_alloc_leaked() and frees none, or with -f from leaker_alloc_freed()
# freeing each (the control); then stays ("done") so its symbols can be read. Each test traces
# only that process (-p or -c), so other files' work cannot change the totals.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=37
SIZE=4567

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
}

teardown() {
    bg_kill
}

# leaker ARGS...: a waiting leaker, its PID in LK, its stdout in LKOUT
leaker() {
    local w
    w=$(workload leaker)
    LKOUT=$(mktemp "$T/leaker.XXXXXX")
    "$w" -w -n "$N" -s "$SIZE" "$@" >"$LKOUT" &
    LK=$!
    BG+=("$LK")
    wait_for "$LK" 1000 grep -qx ready "$LKOUT" || fail "leaker never got ready"
}

# go_leaker: lets the leaker allocate, returns once it has
go_leaker() {
    kill -USR1 "$LK"
    wait_for "$LK" 1000 grep -qx done "$LKOUT" || fail "leaker never got done"
}

# trace_until_done ARGS...: "bcctool memleak ARGS" (which ends by its count) in the background;
# after its first line, go_leaker; then waits for memleak's exit, which must be 0 with nothing
# on stderr.
trace_until_done() {
    tracer_start memleak "$@"
    go_leaker
    local rc=0
    wait "$TRACER" || rc=$?
    cat "$OUT"
    echo "memleak exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "memleak exited $rc"
    [ ! -s "$ERR" ] || fail "memleak wrote to stderr: $(cat "$ERR")"
}

# last_report: the lines of the last "[HH:MM:SS] Top N stacks" report of $OUT
last_report() {
    awk '/^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\] Top / { r = "" } { r = r $0 "\n" } END { printf "%s", r }' "$OUT"
}

# stack_of FUNC: the "bytes in" lines of the last report whose first frame is in FUNC
stack_of() {
    last_report | awk -v f="$1" '/ bytes in / { h = $0; next } h != "" { if (index($0, f "+")) print h; h = "" }'
}

@test "-p: N leaked blocks: N*SIZE bytes in N allocations from leaker_alloc_leaked, BCC's format" {
    leaker
    trace_until_done -p "$LK" 1 3
    assert_equal "$(head -1 "$OUT")" "Attaching to pid $LK, Ctrl+C to quit."
    assert_equal "$(grep -c '^\[[0-9:]*\] Top 10 stacks with outstanding allocations:$' "$OUT")" 3
    assert_equal "$(stack_of leaker_alloc_leaked)" \
        "$(printf '\t%d bytes in %d allocations from stack' $((N * SIZE)) "$N")"
    # the frames: address, tab, symbol+offset [module]; main calls the leaking function
    last_report | grep -A2 -P '^\t\t0x[0-9a-f]{16}\tleaker_alloc_leaked\+0x[0-9a-f]+ \[leaker\]$' |
        grep -qP '^\t\t0x[0-9a-f]{16}\tmain\+0x[0-9a-f]+ \[leaker\]$'
}

@test "-p control: blocks freed at once are not reported" {
    leaker -f
    trace_until_done -p "$LK" 1 3
    assert_equal "$(grep -c 'Top 10 stacks' "$OUT")" 3
    run grep -c leaker_alloc_freed "$OUT"
    assert_equal "$output" 0
    run grep -c "in $N allocations" "$OUT"
    assert_equal "$output" 0
}

@test "-a -T 1 -z/-Z: every leaked address with its size; only the top stack; sizes filtered" {
    leaker
    trace_until_done -a -T 1 -z "$SIZE" -Z "$SIZE" -p "$LK" 1 2
    assert_equal "$(last_report | head -1 | sed 's/^\[[0-9:]*\]//')" \
        " Top 1 stacks with outstanding allocations:"
    assert_equal "$(last_report | grep -cP "^\taddr = [0-9a-f]+ size = $SIZE\$")" "$N"
    assert_equal "$(last_report | grep -c '^	addr = ')" "$N"
    assert_equal "$(last_report | grep -c ' bytes in ')" 1
    assert_equal "$(stack_of leaker_alloc_leaked)" \
        "$(printf '\t%d bytes in %d allocations from stack' $((N * SIZE)) "$N")"
    # -z above the marked size: nothing of it
    leaker
    trace_until_done -z $((SIZE + 1)) -p "$LK" 1 2
    run grep -c leaker_alloc_leaked "$OUT"
    assert_equal "$output" 0
}

@test "-c COMMAND --combined-only: runs it, traces it from its first allocation" {
    local w
    w=$(workload leaker)
    tracer_start memleak --combined-only -c "$w -n $N -s $SIZE" 1 3
    local rc=0
    wait "$TRACER" || rc=$?
    cat "$OUT"
    [ "$rc" -eq 0 ] || fail "memleak exited $rc: $(cat "$ERR")"
    assert_equal "$(head -1 "$OUT")" "Executing '$w -n $N -s $SIZE' and tracing the resulting process."
    grep -qx "Attaching to pid [0-9]*, Ctrl+C to quit." "$OUT"
    pid=$(sed -n 's/^Attaching to pid \([0-9]*\),.*/\1/p' "$OUT")
    BG+=("$pid")
    assert_equal "$(stack_of leaker_alloc_leaked)" \
        "$(printf '\t%d bytes in %d allocations from stack' $((N * SIZE)) "$N")"
    # combined: frames without addresses
    last_report | grep -qP '^\t\tleaker_alloc_leaked\+0x[0-9a-f]+ \[leaker\]$'
}

@test "--json (-c): one object per stack, agreeing with the text" {
    local w rc=0 pid
    w=$(workload leaker)
    # -c: the command runs once the probes are attached (a --json run prints nothing before)
    echo "\$ bcctool memleak --json -c '$w -n $N -s $SIZE' 1 3"
    "$BCCTOOL" memleak --json -c "$w -n $N -s $SIZE" 1 3 >"$T/out" 2>"$T/err" || rc=$?
    pid=$(sed -n 's/^Attaching to pid \([0-9]*\),.*/\1/p' "$T/out")
    cat "$T/out"
    [ "$rc" -eq 0 ] || fail "memleak exited $rc: $(cat "$T/err")"
    [ ! -s "$T/err" ] || fail "memleak wrote to stderr: $(cat "$T/err")"
    # the first line is BCC's text about the command; then only JSON
    assert_equal "$(head -1 "$T/out")" "Executing '$w -n $N -s $SIZE' and tracing the resulting process."
    tail -n +2 "$T/out" | grep -v '^done$' >"$T/json"
    jq -e . "$T/json" >/dev/null
    pid=$(jq -r .pid "$T/json" | sort -u)
    BG+=("$pid")
    [ "$(echo "$pid" | wc -l)" -eq 1 ]
    run jq -r --arg f leaker_alloc_leaked \
        'select(.stack[0] | startswith($f + "+")) | "\(.size) \(.count) \(.stack[1] | split("+")[0])"' "$T/json"
    assert_equal "$(echo "$output" | tail -1)" "$((N * SIZE)) $N main"
    jq -e '.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$")' "$T/json" >/dev/null
}

@test "-t: one line per call, BCC's trace messages" {
    leaker
    tracer_start memleak -t -z "$SIZE" -Z "$SIZE" -p "$LK"
    go_leaker
    wait_for "$TRACER" 1000 sh -c "[ \$(grep -c 'alloc exited, size = $SIZE, result = ' '$OUT') -ge $N ]"
    tracer_stop
    assert_equal "$(head -1 "$OUT")" "Attaching to pid $LK, Ctrl+C to quit."
    assert_equal "$(grep -c "^(b'leaker', $LK, [0-9]*, b'....', [0-9.]*, b'alloc entered, size = $SIZE')\$" "$OUT")" "$N"
    assert_equal "$(grep -c "b'alloc exited, size = $SIZE, result = [0-9a-f]*')\$" "$OUT")" "$N"
}

@test "kernel mode: kmem tracepoints, kernel frames with addresses" {
    # page cache the test keeps while memleak looks: kernel allocations outstanding at its
    # report, whatever else the machine does
    (for i in $(seq 300); do head -c 8192 /dev/zero >"$T/f$i"; sleep 0.005; done) &
    BG+=($!)
    run_bct memleak -T 3 1 1
    assert_equal "${lines[0]}" "Attaching to kernel allocators, Ctrl+C to quit."
    [[ "${lines[1]}" =~ ^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]\ Top\ 3\ stacks\ with\ outstanding\ allocations:$ ]]
    echo "$output" | grep -qP '^\t\t0x[0-9a-f]{16}\t\S+\+0x[0-9a-f]+ \[kernel\]$'
    [ "$(echo "$output" | grep -c ' bytes in ')" -le 3 ]
}

@test "bad options: exit 2; -z above -Z: exit 1 with BCC's message" {
    run_bct 2 memleak --bogus
    run_bct 2 memleak -o x
    run_bct 2 memleak --sort name
    run_bct 1 memleak -z 10 -Z 5
    assert_equal "$output" "min_size (-z) can't be greater than max_size (-Z)"
}
