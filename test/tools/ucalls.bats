#!/usr/bin/env bats
# ucalls: method calls of a runtime through its USDT probes. test/workloads/langprobes.c fires
# CPython's probes (function__entry/return with file and function name, semaphore-guarded):
# "langprobes N 0" calls lp_outer and, inside it, lp_inner N times each. Only the workload's
# PID is traced, so other tests' runs are not counted.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

row() {
    awk -v n="$1" '$1 == n { print $2 }' "$OUT"
}

@test "-l python: exact counts per function, banner, header" {
    local wpid
    bg_workload wpid langprobes 7 0
    tracer_start ucalls -l python "$wpid"
    go_workload "$wpid"
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing calls in process $wpid (language: python)... Ctrl-C to quit." ]
    [ "$(sed -n 2p "$OUT")" = '' ]
    [ "$(sed -n 3p "$OUT")" = "$(printf '%-50s %8s' METHOD '# CALLS')" ]
    [ "$(row /tmp/lp.py.lp_outer)" = 7 ]
    [ "$(row /tmp/lp.py.lp_inner)" = 7 ]
    [ "$(wc -l <"$OUT")" -eq 5 ]
}

@test "pythoncalls -L -m --json: calls and times agree with the text layout" {
    local wpid
    bg_workload wpid langprobes 4 0
    tracer_start pythoncalls -L -m --json "$wpid"
    go_workload "$wpid"
    tracer_stop
    cat "$OUT"
    [ "$(jq -r 'select(.method == "/tmp/lp.py.lp_outer") | .calls' "$OUT")" = 4 ]
    [ "$(jq -r 'select(.method == "/tmp/lp.py.lp_inner") | .calls' "$OUT")" = 4 ]
    # the outer function's time contains the inner one's
    jq -se 'map({(.method): .time_ms}) | add | .["/tmp/lp.py.lp_outer"] >= .["/tmp/lp.py.lp_inner"]' "$OUT"
}

@test "-L -T 1: the slowest only, with the time column" {
    local wpid
    bg_workload wpid langprobes 3 0
    tracer_start ucalls -l python -L -T 1 "$wpid"
    go_workload "$wpid"
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 3p "$OUT")" = "$(printf '%-50s %8s %8s' METHOD '# CALLS' 'TIME (us)')" ]
    [ "$(sed -n 4p "$OUT" | awk '{print $1, $2}')" = '/tmp/lp.py.lp_outer 3' ]
    [ "$(wc -l <"$OUT")" -eq 4 ]
}

@test "-l none -S: the process's syscalls (its nanosleep in each GC)" {
    local wpid
    bg_workload wpid langprobes 0 5
    tracer_start ucalls -l none -S "$wpid"
    go_workload "$wpid"
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = 'Attached kernel tracepoints for syscall tracing.' ]
    [ "$(row clock_nanosleep)" = 5 ] || [ "$(row nanosleep)" = 5 ]
    [ "$(tail -n 1 "$OUT")" = 'Detaching kernel probes, please wait...' ]
}

@test "a runtime without USDT probes, no -S, bad options" {
    sleep 5 &
    local p=$!
    BG+=("$p")
    run_bct 1 ucalls -l perl "$p"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $p (/usr/bin/sleep) has no USDT probe sub__entry: its perl runtime was built without USDT probes"* ]]
    run_bct 1 ucalls -l none "$p"
    [[ "$output" == *'Nothing to do; use -S to trace syscalls.'* ]]
    run_bct 2 ucalls -l cobol "$p"
    run_bct 2 ucalls -l python
    run_bct 2 ucalls -l python -T x 1
    run_bct 2 ucalls -l python 1 2 3
}
