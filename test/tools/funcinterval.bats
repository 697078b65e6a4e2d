#!/usr/bin/env bats
# funcinterval: histograms of the time between calls (test/workloads/funcdemo.c: "funcdemo N MS"
# calls fd_inner() N times, MS ms apart, each sleeping through clock_nanosleep).
# Each test traces its own copy of the workload, or filters on its process.
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

hist_total() {
    awk '/ -> .*\|/ { n += $5 } END { print n + 0 }' "$1"
}

@test "LIB:FUNC -m: N calls make N-1 intervals in the right slot" {
    local d
    d=$(own_copy funcdemo)
    tracer_start funcinterval -m "$d:fd_inner"
    "$d" 5 20 >/dev/null
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = 'Tracing uprobe function for "fd_inner"... Hit Ctrl-C to end.' ]
    [ "$(sed -n 2p "$OUT")" = '' ]
    [ "$(sed -n 3p "$OUT")" = '     msecs               : count     distribution' ]
    [ "$(hist_total "$OUT")" -eq 4 ]
    [ "$(awk '$2 == "->" && $1 >= 16 { n += $5 } END { print n + 0 }' "$OUT")" -eq 4 ]
    [ "$(tail -n 1 "$OUT")" = 'Detaching...' ]
}

@test "t:CAT:EV -p -u -T -d: a tracepoint of one process" {
    local wpid
    bg_workload wpid funcdemo 4 10
    tracer_start funcinterval -u -T -d 2 -p "$wpid" t:syscalls:sys_enter_clock_nanosleep
    go_workload "$wpid"
    wait "$TRACER"
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = 'Tracing tracepoint for "syscalls:sys_enter_clock_nanosleep"... Hit Ctrl-C to end.' ]
    grep -qE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$' "$OUT"
    grep -qx '     usecs               : count     distribution' "$OUT"
    # 4 sleeps of 10 ms, then the linger's sleep of 0 ms: 5 system calls, 4 intervals
    # (none shorter than 10 ms; a loaded machine may wake one late, into a later slot)
    [ "$(hist_total "$OUT")" -eq 4 ]
    [ "$(awk '$2 == "->" && $1 >= 8192 { n += $5 } END { print n + 0 }' "$OUT")" -eq 4 ]
    [ "$(tail -n 1 "$OUT")" = 'Detaching...' ]
}

@test "--json: one histogram object" {
    local d
    d=$(own_copy funcdemo)
    tracer_start funcinterval --json -m "$d:fd_inner"
    "$d" 3 20 >/dev/null
    tracer_stop
    cat "$OUT"
    [ "$(wc -l <"$OUT")" -eq 1 ]
    jq -e '.val_type == "msecs" and ([.data[].count] | add) == 2' "$OUT"
}

@test "errors: one line each, exit 1; bad options exit 2" {
    local d
    d=$(workload funcdemo)
    BCT_RUN_FLAGS=--separate-stderr
    run_bct 1 funcinterval 'a:b:c:d'
    [ "$stderr" = "Error: unrecognized pattern format 'a:b:c:d'" ]
    run_bct 1 funcinterval "$d:zzz"
    [ "$stderr" = '0 uprobe function matched by "zzz". Exiting.' ]
    run_bct 1 funcinterval t:sched:nope
    [ "$stderr" = '0 tracepoint matched by "sched:nope". Exiting.' ]
    if [ ! -e /sys/bus/event_source/devices/kprobe ]; then
        run_bct 1 funcinterval vfs_read
        [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == *"this kernel has no kprobes"* ]]
    fi
    run_bct 2 funcinterval -i x t:sched:sched_switch
    run_bct 2 funcinterval
}
