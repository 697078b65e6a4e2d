#!/usr/bin/env bats
# bats file_tags=needs:bpf
# argdist with real events. test/workloads/usdtdemo N calls demo_work(i, "item<i>") (returns
# 2i + strlen(tag): 5, 7, 9 for N = 3) and fires USDT demo:tick(i, tag); each test starts it
# waiting (-w), counts it by -p (other files run usdtdemo at the same time), lets it go once
# argdist is attached, and reads argdist's one interval. Syscall tracepoints are counted on an
# opener run under a marked command name.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    U=$(workload usdtdemo)
    MARK=adst$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
}

teardown() {
    bg_kill
}

# links_in PID N: PID holds N BPF links (one ls: argdist holds many fds, and a readlink per fd
# is slow on a loaded machine)
links_in() {
    [ "$(ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link')" -ge "$2" ]
}

# start_argdist N ARGS...: argdist in the background with -n 1 and a 4 s interval; returns once
# its N uprobe/tracepoint links are in (argdist prints nothing before its first interval).
start_argdist() {
    local links=$1
    shift
    OUT=$T/argdist.out
    ERR=$T/argdist.err
    echo "\$ bcctool argdist $*"
    "$BCCTOOL" argdist -n 1 -i 4 "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 links_in "$TRACER" "$links" ||
        { cat "$ERR" "$OUT" >&2; wait "$TRACER"; fail "argdist never attached (exit $?)"; }
}

# done_argdist: argdist ends by itself after its interval (-n 1): exit 0, stderr empty.
done_argdist() {
    local rc=0
    wait "$TRACER" || rc=$?
    echo "argdist exit: $rc; stderr: $(cat "$ERR")"; cat "$OUT"
    [ "$rc" -eq 0 ] || fail "argdist exited $rc"
    [ ! -s "$ERR" ] || fail "argdist wrote to stderr"
}

# block TITLE: the rows of the frequency block titled TITLE
block() {
    awk -v t="$1" '$0 == t { on = 1; next } on && /^\tCOUNT/ { next } on && /^\t/ { print; next } { on = 0 }' "$OUT"
}

@test "argdist: -C and -H on uprobes, uretprobes and USDT: \$retval, \$entry(), \$latency, filters, labels" {
    bg_workload D usdtdemo 3
    bg_workload OTHER usdtdemo 3
    start_argdist 8 -p "$D" \
        -H "r:$U:demo_work():int:\$retval#ret" \
        -C "p:$U:demo_work(int i, const char *tag):int,char*:i,tag:i > 0" \
        -C "r:$U:demo_work(int i):int:\$entry(i)" \
        -C "u:$U:tick():int:arg1#ticks" \
        -C "r:$U:demo_work()" \
        -H "r:$U:demo_work():u64:\$latency"
    go_workload "$OTHER" "$D"
    done_argdist
    [[ "$(head -1 "$OUT")" =~ ^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$ ]]
    # -C blocks first, in order, then the histograms
    [ "$(grep -c $'^\tCOUNT      EVENT$' "$OUT")" -eq 4 ]
    [ "$(block "p:$U:demo_work(int i, const char *tag):int,char*:i,tag:i > 0" | sort)" = \
        "$(printf '\t1          i = 1, tag = item1\n\t1          i = 2, tag = item2')" ]
    [ "$(block "r:$U:demo_work(int i):int:\$entry(i)" | sort)" = \
        "$(printf '\t1          i = 0\n\t1          i = 1\n\t1          i = 2')" ]
    [ "$(block ticks | sort)" = "$(printf '\t1          arg1 = 0\n\t1          arg1 = 1\n\t1          arg1 = 2')" ]
    [ "$(block "r:$U:demo_work()" | sort)" = \
        "$(printf '\t1          retval = 5\n\t1          retval = 7\n\t1          retval = 9')" ]
    # the $retval histogram: 5 and 7 in 4 -> 7, 9 in 8 -> 15
    grep -x '     ret                 : count     distribution' "$OUT"
    grep -E '^ +4 -> 7 +: 2 +\|\*{40}\|$' "$OUT"
    grep -E '^ +8 -> 15 +: 1 +\|\*{20} {20}\|$' "$OUT"
    # $latency: three calls in nanoseconds
    grep -x '     $latency            : count     distribution' "$OUT"
    [ "$(awk '/\$latency/ { on = 1; next } on && / -> / { s += $5 } END { print s }' "$OUT")" -eq 3 ]
}

@test "argdist: tracepoints with args->field filters and user strings; --json" {
    : >"$T/mark-a"
    bg_workload D opener -N "$MARK" -n 3 "$T/mark-a" "$T/mark-ab"
    start_argdist 2 --json \
        -C "t:syscalls:sys_enter_openat():char*:args->filename:STRCMP(\"$T/mark-a\", args->filename)" \
        -C "t:syscalls:sys_exit_openat():int:args->ret:args->ret < 0 && \$PID == $D#failed"
    go_workload "$D"
    done_argdist
    [ "$(jq -r 'select(.probe | startswith("t:syscalls:sys_enter")) | "\(.count) \(.event)"' "$OUT")" = \
        "3 args->filename = $T/mark-a" ]
    [ "$(jq -r 'select(.probe == "failed") | "\(.count) \(.event)"' "$OUT")" = "3 args->ret = -2" ]
    jq -e '.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$")' "$OUT" >/dev/null
}

@test "argdist: bad specifiers exit 2 with one line; kernel functions need kprobes" {
    run_bct 2 argdist -C p::foo
    [ "$output" = "argdist: error parsing probe 'p::foo': function signature 'foo' has an invalid format" ]
    run_bct 2 argdist -C 'x::foo()'
    [[ "$output" == *"probe type must be 'p', 'r', 't', or 'u' but got 'x'" ]]
    run_bct 2 argdist -H 'p::foo()'
    [[ "$output" == *"histograms must have expr" ]]
    run_bct 2 argdist -C 'p:c:foo(int a):int,int:a'
    [[ "$output" == *"mismatched # of exprs and types" ]]
    run_bct 2 argdist -H 'p:c:foo(int a):int,int:a,a'
    [[ "$output" == *"histograms can only have 1 expr" ]]
    run_bct 2 argdist -C p:
    [[ "$output" == *"at least the probe type, library, and function signature must be specified" ]]
    run_bct 2 argdist
    [[ "$output" == *"at least one specifier is required"* ]]
    run_bct 1 argdist -C "r:$U:demo_work(int i):int:\$entry(j)"
    [[ "$output" == *'$entry(j): no such param' ]]
    if [ ! -e /sys/bus/event_source/devices/kprobe ] && [ ! -e "$(tracefs_dir)/kprobe_events" ]; then
        run_bct 1 argdist -C 'p::do_sys_open()' -n 1 -i 1
        [ "${#lines[@]}" -eq 1 ]
        [[ "$output" == *"this kernel has no kprobes; try the tracepoint 't:syscalls:sys_enter_open"* ]]
    fi
}
