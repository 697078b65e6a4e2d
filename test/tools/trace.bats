#!/usr/bin/env bats
# bats file_tags=needs:bpf
# trace with real events. test/workloads/usdtdemo N calls demo_work(i, "item<i>") (returns
# 2i + strlen(tag)) and fires USDT demo:tick(i, tag) for i < N, then demo:done(sum); each test
# starts it waiting (-w), traces it by -p (other files run usdtdemo at the same time), lets it
# go, and checks every line. Syscall tracepoints are checked on opener runs under a marked
# command name.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    U=$(workload usdtdemo)
    MARK=trc$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
}

teardown() {
    bg_kill
}

# done_trace: waits for a tracer that stops by itself (-M); it must exit 0, stderr empty.
done_trace() {
    local rc=0 i
    for ((i = 0; i < 300; i++)); do kill -0 "$TRACER" 2>/dev/null || break; sleep 0.01; done
    kill -0 "$TRACER" 2>/dev/null && { kill -INT "$TRACER"; fail "the tracer did not stop by itself (-M)"; }
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"; cat "$OUT"
    [ "$rc" -eq 0 ] || fail "trace exited $rc"
    [ ! -s "$ERR" ] || fail "trace wrote to stderr"
}

# rows FUNC: the messages of FUNC's rows of PID $D (the message after the FUNC column)
rows() {
    awk -v pid="$D" -v f="$1" '$1 == pid && $4 == f { for (i = 0; i < 4; i++) sub(/^[^ ]+ +/, ""); print }' "$OUT"
}

@test "trace: uprobe, uretprobe and USDT formats, predicates, STRCMP on whole strings, -p, -M" {
    bg_workload D usdtdemo 12
    bg_workload OTHER usdtdemo 12
    tracer_start trace -M 8 -p "$D" \
        "p:$U:demo_work (STRCMP(\"item1\", arg2)) \"hit %d %s\", arg1, arg2" \
        "r:$U:demo_work (retval >= 20) \"ret=%d hex=%x\", retval, retval" \
        "u:$U:tick (arg1 > 9) \"i=%u tag=%s c=%c\", arg1, arg2, 65" \
        "U:$U:done \"sum=%ld %%\", arg1" \
        "$U:demo_nap"  # never called by "usdtdemo 12"
    [ "$(head -1 "$OUT")" = "PID     TID     COMM            FUNC             -" ]
    go_workload "$OTHER" "$D"
    done_trace
    # STRCMP compares whole strings: item10 and item11 do not match "item1"
    [ "$(rows demo_work | grep '^hit')" = "hit 1 item1" ]
    [ "$(rows demo_work | grep '^ret=' | tr '\n' '|')" = "ret=21 hex=15|ret=23 hex=17|ret=26 hex=1a|ret=28 hex=1c|" ]
    [ "$(rows tick | tr '\n' '|')" = "i=10 tag=item10 c=A|i=11 tag=item11 c=A|" ]
    # sum of 2i + strlen: 5..23 for i < 10, then 26 and 28
    [ "$(rows done)" = "sum=194 %" ]
    # -p: nothing of the other run; exactly -M rows in all
    [ "$(awk 'NR > 1' "$OUT" | wc -l)" -eq 8 ]
    [ "$(awk -v p="$D" 'NR > 1 && $1 != p' "$OUT" | wc -l)" -eq 0 ]
    grep -E "^$D +$D +usdtdemo +demo_work +hit 1 item1\$" "$OUT"
}

@test "trace: syscall tracepoints, %s of user pointers, args->field filters, -n" {
    tracer_start trace -n "$MARK" \
        "t:syscalls:sys_enter_openat (STRCMP(\"$T/mark-a\", args->filename)) \"%s flags=%d\", args->filename, args->flags" \
        "t:syscalls:sys_exit_openat (args->ret == -2) \"ret=%ld\", args->ret" \
        "t:sched:sched_process_exit \"%s %d\", args->comm, args->pid"
    : >"$T/mark-a"
    bg_workload D opener -N "$MARK" -n 3 "$T/mark-a" "$T/mark-ab"
    go_workload "$D"
    tracer_stop
    cat "$OUT"
    [ "$(rows sys_enter_openat | sort | uniq -c | awk '{$1=$1; print}')" = "3 $T/mark-a flags=0" ]
    [ "$(rows sys_exit_openat | sort | uniq -c | awk '{$1=$1; print}')" = "3 ret=-2" ]
    [ "$(rows sched_process_exit)" = "$MARK $D" ]
    # -n: only the marked command
    [ "$(awk -v m="$MARK" 'NR > 1 && $3 != m' "$OUT" | wc -l)" -eq 0 ]
}

@test "trace: -U user stacks, -A aggregation, -t -C columns, --json" {
    bg_workload D usdtdemo 3 50
    tracer_start trace -U -M 1 -p "$D" "u:$U:tick"
    [ "$(head -1 "$OUT")" = "PID     TID     COMM            FUNC             " ]
    go_workload "$D"
    done_trace
    sed -n 2p "$OUT" | grep -E "^$D +$D +usdtdemo +tick +\$"
    sed -n 3p "$OUT" | grep -E '^        main\+0x[0-9a-f]+ \[usdtdemo\]$'
    [ "$(tail -1 "$OUT")" = "" ]

    bg_workload D usdtdemo 3
    tracer_start trace -A -M 3 -p "$D" "p:$U:demo_work"
    go_workload "$D"
    done_trace
    [ "$(grep -c -- '-->COUNT' "$OUT")" -eq 1 ]
    grep -x -- '-->COUNT 3' "$OUT"

    bg_workload D usdtdemo 2
    tracer_start trace -t -C -M 2 -p "$D" "p:$U:demo_work \"i=%d\", arg1"
    [ "$(head -1 "$OUT")" = "TIME     CPU PID     TID     COMM            FUNC             -" ]
    go_workload "$D"
    done_trace
    [ "$(awk 'NR > 1 && $1 ~ /^[0-9]+\.[0-9]+$/ && $3 == '"$D"' { print $NF }' "$OUT" | tr '\n' ' ')" = "i=0 i=1 " ]

    bg_workload D usdtdemo 2
    tracer_start trace --json -M 2 -p "$D" "u:$U:tick \"%d %s\", arg1, arg2"
    go_workload "$D"
    done_trace
    [ "$(jq -r '"\(.pid) \(.tid) \(.comm) \(.func) \(.msg)"' "$OUT" | tr '\n' '|')" = "$D $D usdtdemo tick 0 item0|$D $D usdtdemo tick 1 item1|" ]
}

@test "trace: kernel functions need kprobes; bad probes and options exit 2 with one line" {
    if [ ! -e /sys/bus/event_source/devices/kprobe ] && [ ! -e "$(tracefs_dir)/kprobe_events" ]; then
        run_bct 1 trace do_sys_open
        [ "${#lines[@]}" -eq 1 ]
        [[ "$output" == *"this kernel has no kprobes; try the tracepoint 't:syscalls:sys_enter_open"* ]]
        run_bct 1 trace 'p::__x64_sys_openat "%d", arg1'
        [[ "$output" == *"try the tracepoint 't:syscalls:sys_enter_openat'"* ]]
    fi
    run_bct 2 trace 'x::foo'
    [ "$output" = "trace: error in probe 'x::foo': probe type must be '', 'p', 't', 'r', 'u' or 'U', but got 'x'" ]
    run_bct 2 trace 'foo (arg1 > 0'
    [[ "$output" == *"unmatched end of predicate" ]]
    run_bct 2 trace "$U:demo_work \"%q\", arg1"
    [[ "$output" == *"unrecognized format specifier %q" ]]
    run_bct 2 trace 't:sched:sched_switch(int x)'
    [[ "$output" == *"can't have a function signature"* ]]
    run_bct 1 trace "u:$U:nosuch"
    [[ "$output" == *"unrecognized USDT probe nosuch" ]]
    run_bct 1 trace nolib:foo
    [[ "$output" == *"unable to find library nolib" ]]
    run_bct 2 trace -A foo
    [[ "$output" == *"-M/--max-events should be specified with -A/--aggregate"* ]]
    run_bct 2 trace -p 1 -L 1 foo
    [[ "$output" == *"only one of -p and -L may be specified"* ]]
}
