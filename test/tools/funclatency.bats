#!/usr/bin/env bats
# funclatency: histograms of function latency (test/workloads/usdtdemo.c: "usdtdemo N MS" calls
# demo_work() and demo_nap(MS) N times; demo_nap sleeps MS ms through clock_nanosleep).
# Uprobes fire in every process running a file, so each test traces its own copy.
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

# hist_total FILE: the sum of the histogram rows' counts.
hist_total() {
    awk '/ -> .*\|/ { n += $5 } END { print n + 0 }' "$1"
}

@test "LIB:FUNC glob: a histogram per function and process, avg line, Detaching" {
    local d
    d=$(own_copy usdtdemo)
    tracer_start funclatency "$d:demo_*"
    "$d" 3 20 >/dev/null
    "$d" 2 >/dev/null
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing 2 functions for \"$d:demo_*\"... Hit Ctrl-C to end." ]
    [ "$(grep -c '^Function = demo_work \[[0-9]*\]$' "$OUT")" -eq 2 ]
    [ "$(grep -c '^Function = demo_nap \[[0-9]*\]$' "$OUT")" -eq 1 ]
    grep -qx "     nsecs               : count     distribution" "$OUT"
    [ "$(hist_total "$OUT")" -eq 8 ]
    # demo_nap(20) sleeps 20 ms: 16777216 -> 33554431 ns
    awk '/^Function = demo_nap/ { f = 1 } f && /16777216 -> 33554431/ { print $5; exit }' "$OUT" |
        grep -qx 3
    grep -qE '^avg = [0-9]+ nsecs, total: [0-9]+ nsecs, count: 8$' "$OUT"
    [ "$(tail -n 1 "$OUT")" = 'Detaching...' ]
}

@test "-u -p: one histogram in usecs, only that process" {
    local d pid
    d=$(own_copy usdtdemo)
    "$d" -w 3 20 >/dev/null &
    pid=$!
    BG+=("$pid")
    tracer_start funclatency -u -p "$pid" "$d:demo_nap"
    "$d" 2 20 >/dev/null
    kill -USR1 "$pid"
    wait "$pid"
    tracer_stop
    cat "$OUT"
    ! grep -q '^Function' "$OUT"
    grep -qx "     usecs               : count     distribution" "$OUT"
    # three 20 ms naps (the other process's two are not counted), none shorter; a loaded
    # machine may wake one late, into the next slot
    [ "$(hist_total "$OUT")" -eq 3 ]
    [ "$(awk '$2 == "->" && $1 >= 16384 { n += $5 } END { print n + 0 }' "$OUT")" -eq 3 ]
    grep -qE '^avg = [2-6][0-9]{4} usecs, total: [0-9]+ usecs, count: 3$' "$OUT"
}

@test "t: entry/exit tracepoint pair, -m -F -T -d" {
    local wpid
    bg_workload wpid usdtdemo 4 20
    tracer_start funclatency -m -F -T -d 2 -p "$wpid" 't:syscalls:sys_enter_clock_nanosleep'
    go_workload "$wpid"
    wait "$TRACER"
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = 'Tracing 1 functions for "t:syscalls:sys_enter_clock_nanosleep"... Hit Ctrl-C to end.' ]
    grep -qE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$' "$OUT"
    grep -qx 'Function = syscalls:sys_enter_clock_nanosleep' "$OUT"
    grep -qx "     msecs               : count     distribution" "$OUT"
    # four naps of 20 ms: none shorter, and a loaded machine may wake one late
    [ "$(hist_total "$OUT")" -eq 4 ]
    [ "$(awk '$2 == "->" && $1 == "16" { print $5 }' "$OUT")" -ge 3 ]
    ! awk '$2 == "->" && $1 + 0 < 16 && $5 > 0' "$OUT" | grep -q .
    grep -qE '^avg = [2-9][0-9] msecs, total: [0-9]+ msecs, count: 4$' "$OUT"
    [ "$(tail -n 1 "$OUT")" = 'Detaching...' ]
}

@test "-l 2 and --json: one object per function, counts agree" {
    local d
    d=$(own_copy usdtdemo)
    tracer_start funclatency --json -l 2 -F -u "$d:demo_*"
    "$d" 5 1 >/dev/null
    tracer_stop
    cat "$OUT"
    [ "$(wc -l <"$OUT")" -eq 2 ]
    jq -se 'map({(.function | sub(" \\[[0-9]+\\]$"; "")): .count}) | add ==
        {"demo_work": 5, "demo_nap": 5}' "$OUT"
    jq -se 'all(.val_type == "usecs" and (.data | length) > 0)' "$OUT"
}

@test "errors: one line each, exit 1; a bad option exits 2" {
    local d
    d=$(workload usdtdemo)
    BCT_RUN_FLAGS=--separate-stderr
    run_bct 1 funclatency 'a:b:c'
    [ "$stderr" = "Error: unrecognized pattern format 'a:b:c'" ]
    run_bct 1 funclatency "$d:zz*"
    [ "$stderr" = "0 functions matched by \"$d:zz*\". Exiting." ]
    run_bct 1 funclatency nolib:foo
    [ "$stderr" = "Error: can't resolve library nolib" ]
    run_bct 1 funclatency 't:sched:sched_switch'
    [ "$stderr" = '0 functions matched by "t:sched:sched_switch". Exiting.' ]
    run_bct 2 funclatency -l x "$d:demo_work"
    run_bct 2 funclatency
}

@test "kernel functions without kprobes: one line" {
    [ -e /sys/bus/event_source/devices/kprobe ] && skip "this kernel has kprobes"
    BCT_RUN_FLAGS=--separate-stderr
    run_bct 1 funclatency vfs_read
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == *"this kernel has no kprobes"* ]]
    run_bct 1 funclatency 'sys_enter_openat'
    [[ "$stderr" == *"'t:syscalls:sys_enter_openat'"* ]]
}
