#!/usr/bin/env bats
# funccount: counts of tracepoints, user functions and USDT probes (test/workloads/usdtdemo.c:
# demo_work() and the probe demo:tick run N times for "usdtdemo N"; usdtdemo_sema fires its
# probes only while a tracer holds their semaphores). Uprobes count every process running a
# file, so each test traces its own copy of the workload: other tests' runs are not counted.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

# own_copy NAME: a private copy of workload NAME (its own inode), path on stdout.
own_copy() {
    local w
    w=$(workload "$1") || return 1
    cp "$w" "$BATS_TEST_TMPDIR/$1"
    echo "$BATS_TEST_TMPDIR/$1"
}

# sema_off PATH: a run of usdtdemo_sema at PATH fires no probe.
sema_off() {
    [ "$("$1" 2)" = 'sum=12 enabled=0' ]
}

# row NAME: the count of NAME's row in OUT (empty when there is none).
row() {
    awk -v n="$1" '$1 == n { print $2 }' "$OUT"
}

@test "t:CAT:EV glob: banner, header, exec counts, Detaching" {
    tracer_start funccount 't:sched:sched_process_e*'
    for i in 1 2 3 4 5; do /bin/true; done
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = 'Tracing 2 functions for "t:sched:sched_process_e*"... Hit Ctrl-C to end.' ]
    [ "$(sed -n 2p "$OUT")" = '' ]
    [ "$(sed -n 3p "$OUT")" = "$(printf '%-36s %8s' FUNC COUNT)" ]
    [ "$(row sched:sched_process_exec)" -ge 5 ]
    [ "$(row sched:sched_process_exit)" -ge 5 ]
    grep -qE '^sched:sched_process_exec {13}  +[0-9]+$' "$OUT"
    [ "$(awk 'length($0) != 45 && NR > 2 && !/^Detaching/' "$OUT" | wc -l)" -eq 0 ]
    [ "$(tail -n 1 "$OUT")" = 'Detaching...' ]
}

@test "-p on a tracepoint: only that process (its one exit)" {
    local wpid
    bg_workload wpid usdtdemo 2
    tracer_start funccount -p "$wpid" 't:sched:sched_process_exit'
    /bin/true
    go_workload "$wpid"
    tracer_stop
    cat "$OUT"
    [ "$(row sched:sched_process_exit)" = 1 ]
}

@test "LIB:FUNC glob: each matched function, zero rows left out" {
    local d
    d=$(own_copy usdtdemo)
    tracer_start funccount "$d:demo_*"
    "$d" 7
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing 2 functions for \"$d:demo_*\"... Hit Ctrl-C to end." ]
    [ "$(row demo_work)" = 7 ]
    [ -z "$(row demo_nap)" ]
    "$d" 3 1 >/dev/null
}

@test "p:LIB:FUNC with sleeps: both functions, sorted by count" {
    local d
    d=$(own_copy usdtdemo)
    tracer_start funccount "p:$d:demo_*"
    "$d" 4 1
    tracer_stop
    cat "$OUT"
    [ "$(row demo_work)" = 4 ]
    [ "$(row demo_nap)" = 4 ]
}

@test "-p on uprobes: another process of the same file is not counted" {
    local d pid
    d=$(own_copy usdtdemo)
    "$d" -w 3 >/dev/null &
    pid=$!
    BG+=("$pid")
    tracer_start funccount -p "$pid" "$d:demo_work"
    "$d" 5
    kill -USR1 "$pid"
    wait "$pid"
    tracer_stop
    cat "$OUT"
    [ "$(row demo_work)" = 3 ]
}

@test "one uprobe in a file bcctool does not map: no cookie, no own-process test, all counted" {
    local d
    d=$(own_copy usdtdemo)
    # -D: the program for the probes found (--ebpf resolves none)
    run_bct funccount -D -d 1 "$d:demo_work"
    assert_line '#define FC_ONE_SLOT 1'
    assert_line '#define BCT_FILTER_NOT_SELF 1'
    run_bct funccount -D -d 1 "$d:demo_*"
    refute_line '#define FC_ONE_SLOT 1'
    # bcctool maps libc itself: its own calls stay out by the own-process test
    run_bct funccount -D -d 1 c:malloc
    refute_line '#define BCT_FILTER_NOT_SELF 1'
    tracer_start funccount "$d:demo_work"
    "$d" 9
    tracer_stop
    cat "$OUT"
    [ "$(row demo_work)" = 9 ]
}

@test "u:LIB:PROBE glob and -r: the USDT probe's count" {
    local d
    d=$(own_copy usdtdemo)
    tracer_start funccount "u:$d:t*"
    "$d" 7
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing 1 functions for \"u:$d:t*\"... Hit Ctrl-C to end." ]
    [ "$(row tick)" = 7 ]
    [ -z "$(row done)" ]
    tracer_start funccount -r "u:$d:^ti"
    "$d" 7
    tracer_stop
    [ "$(row tick)" = 7 ]
}

@test "USDT probes behind semaphores count without -p" {
    local d
    d=$(own_copy usdtdemo_sema)
    run "$d" 3
    [ "$output" = 'sum=21 enabled=0' ]
    tracer_start funccount "u:$d:*"
    run "$d" 5
    tracer_stop
    cat "$OUT"
    [ "$output" = 'sum=45 enabled=5' ]
    [ "$(row tick)" = 5 ]
    [ "$(row done)" = 1 ]
    # the semaphore is released once the tracer's probes are gone (the kernel may take a moment)
    wait_for - 100 sema_off "$d"
}

@test "-d -T: one interval with its time, then Detaching" {
    local d
    d=$(own_copy usdtdemo)
    run_bct funccount -d 1 -T "u:$d:tick"
    [ "${lines[1]}" = "" ] || [ "${#lines[@]}" -eq 4 ]
    [[ "${lines[1]}" =~ ^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$ ]]
    [ "${lines[2]}" = "$(printf '%-36s %8s' FUNC COUNT)" ]
    [ "${lines[3]}" = 'Detaching...' ]
}

@test "--json: one object per row, agreeing with the counts" {
    local d
    d=$(own_copy usdtdemo)
    tracer_start funccount --json "$d:demo_*"
    "$d" 6 1
    tracer_stop
    cat "$OUT"
    [ "$(wc -l <"$OUT")" -eq 2 ]
    jq -se 'map({(.func): .count}) | add == {"demo_work": 6, "demo_nap": 6}' "$OUT"
    jq -se 'all(.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}$"))' "$OUT"
}

@test "errors: one line each, exit 1; a bad option exits 2" {
    local d
    d=$(workload usdtdemo)
    BCT_RUN_FLAGS=--separate-stderr
    run_bct 1 funccount 'x:y:z'
    [ "$stderr" = "funccount: Type must be 'p', 't', or 'u', but got x" ]
    run_bct 1 funccount 'a:b:c:d'
    [ "$stderr" = 'funccount: Too many '"':'"'-separated components in pattern a:b:c:d' ]
    run_bct 1 funccount "$d:nomatch*"
    [ "$stderr" = 'funccount: No functions matched by pattern ^nomatch.*$' ]
    run_bct 1 funccount nolib:foo
    [ "$stderr" = 'funccount: unable to find library nolib' ]
    run_bct 1 funccount 't:nosuchcat:*'
    [ "$stderr" = 'funccount: No functions matched by pattern ^nosuchcat:.*$' ]
    BCC_PROBE_LIMIT=1 run_bct 1 funccount 't:sched:sched_process_e*'
    [ "$stderr" = 'funccount: maximum of 1 probes allowed, attempted 2' ]
    run_bct 2 funccount -i x 't:sched:*'
    run_bct 2 funccount
}

@test "kernel functions without kprobes: one line, with a tracepoint when one matches" {
    grep -q kprobe /sys/bus/event_source/devices/*/type 2>/dev/null &&
        [ -e /sys/bus/event_source/devices/kprobe ] && skip "this kernel has kprobes"
    BCT_RUN_FLAGS=--separate-stderr
    run_bct 1 funccount vfs_read
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == *"this kernel has no kprobes"* ]]
    run_bct 1 funccount 'p::sched_switch'
    [[ "$stderr" == *"try the tracepoint 't:sched:sched_switch'"* ]]
}

@test "-D prints the program, then counts" {
    local d
    d=$(own_copy usdtdemo)
    run_bct funccount -D -d 1 "u:$d:tick"
    [[ "$output" == *'bpf_get_attach_cookie'* ]]
    [[ "$output" == *'Tracing 1 functions for'* ]]
    [ "${lines[-1]}" = 'Detaching...' ]
}
