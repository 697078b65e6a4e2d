#!/usr/bin/env bats
# stackcount: counts of the stacks reaching tracepoints, user functions and USDT probes
# (test/workloads/funcdemo.c: "funcdemo N MS LINGER" runs main -> fd_outer -> fd_inner N times,
# and fd_inner fires the USDT probe funcdemo:inner; built with frame pointers). Each test traces
# its own copy; the workload lingers until the tracer has printed, so its symbols can be read.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

own_copy() {
    local w
    w=$(workload "$1") || return 1
    cp "$w" "$BATS_TEST_TMPDIR/$1"
    echo "$BATS_TEST_TMPDIR/$1"
}

# run_demo PATH N: runs the copy N times through fd_inner, left lingering (PID in DEMO).
run_demo() {
    local out=$BATS_TEST_TMPDIR/demo.out
    "$1" "$2" 1 5000 >"$out" &
    DEMO=$!
    BG+=("$DEMO")
    sleep 0.1
}

@test "u:LIB:PROBE -U: the user stack with its callers, the count, Detaching" {
    local d
    d=$(own_copy funcdemo)
    tracer_start stackcount -U "u:$d:inner"
    run_demo "$d" 3
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing 1 functions for \"u:$d:inner\"... Hit Ctrl-C to end." ]
    [ "$(sed -n 2p "$OUT")" = '' ]
    [ "$(sed -n 3p "$OUT")" = '  fd_inner' ]
    [ "$(sed -n 4p "$OUT")" = '  fd_outer' ]
    [ "$(sed -n 5p "$OUT")" = '  main' ]
    grep -qx '    3' "$OUT"
    [ "$(tail -n 1 "$OUT")" = 'Detaching...' ]
}

@test "LIB:FUNC -P -f -d: one folded line per process and stack" {
    local d
    d=$(own_copy funcdemo)
    OUT=$BATS_TEST_TMPDIR/folded.out ERR=$BATS_TEST_TMPDIR/folded.err
    "$BCCTOOL" stackcount -P -f -d "$d:fd_inner" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 has_bpf_links "$TRACER" 1 || fail "the tracer never attached"
    run_demo "$d" 4
    tracer_stop
    cat "$OUT"
    [ "$(wc -l <"$OUT")" -eq 1 ]
    grep -qE '^funcdemo;(.*;)?main;(fd_outer;)?fd_inner;- 4$' "$OUT"
}

@test "t:CAT:EV -p -K -s -v: kernel frames with offsets and addresses, no comm line" {
    local wpid
    bg_workload wpid usdtdemo 1
    tracer_start stackcount -p "$wpid" -K -s -v t:sched:sched_process_exit
    go_workload "$wpid"
    tracer_stop
    cat "$OUT"
    grep -qE '^  [0-9a-f]{16} do_exit\+0x[0-9a-f]+$' "$OUT"
    grep -qx '    1' "$OUT"
    ! grep -q '\[' "$OUT"
}

@test "-P --json: one object per stack, agreeing with the counts" {
    local d
    d=$(own_copy funcdemo)
    tracer_start stackcount --json -P -U "u:$d:inner"
    run_demo "$d" 5
    tracer_stop
    cat "$OUT"
    [ "$(wc -l <"$OUT")" -eq 1 ]
    jq -e ".count == 5 and .comm == \"funcdemo\" and .pid == $DEMO and
        .user_stack[0] == \"fd_inner\" and .user_stack[1] == \"fd_outer\" and
        .kernel_stack == []" "$OUT"
}

@test "errors: one line each, exit 1; bad options exit 2" {
    local d
    d=$(workload funcdemo)
    BCT_RUN_FLAGS=--separate-stderr
    run_bct 1 stackcount -K -U t:sched:sched_switch
    [ "$stderr" = 'ERROR: -K and -U are mutually exclusive. If you want both stacks, that is the default.' ]
    run_bct 1 stackcount 'x:y:z'
    [ "$stderr" = "stackcount: Type must be 'p', 't', or 'u', but got x" ]
    run_bct 1 stackcount 'a:b:c:d'
    [ "$stderr" = "stackcount: Too many ':'-separated components in pattern a:b:c:d" ]
    run_bct 1 stackcount "$d:nomatch*"
    [ "$stderr" = 'stackcount: No functions matched by pattern ^nomatch.*$' ]
    run_bct 1 stackcount nolib:foo
    [ "$stderr" = 'stackcount: unable to find library nolib' ]
    if [ ! -e /sys/bus/event_source/devices/kprobe ]; then
        run_bct 1 stackcount vfs_read
        [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == *"this kernel has no kprobes"* ]]
    fi
    run_bct 2 stackcount -c x t:sched:sched_switch
    run_bct 2 stackcount
}
