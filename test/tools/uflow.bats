#!/usr/bin/env bats
# uflow: method entries and returns through a runtime's USDT probes, indented by depth.
# test/workloads/langprobes.c fires CPython's function__entry/return: "langprobes N 0" calls
# lp_outer, and lp_inner inside it, N times. Only the workload's PID is traced.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

@test "-l python: entries and returns with their depth, BCC's columns" {
    local wpid
    bg_workload wpid langprobes 3 0
    tracer_start uflow -l python "$wpid"
    go_workload "$wpid"
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing method calls in python process $wpid... Ctrl-C to quit." ]
    [ "$(sed -n 2p "$OUT")" = "$(printf '%-3s %-6s %-6s %-8s %s' CPU PID TID 'TIME(us)' METHOD)" ]
    local body
    body=$(awk 'NR > 2 { print substr($0, 28) }' "$OUT" | sort | uniq -c | sed 's/^ *//')
    echo "$body"
    [ "$body" = "3   -> /tmp/lp.py.lp_inner
3   <- /tmp/lp.py.lp_inner
3 -> /tmp/lp.py.lp_outer
3 <- /tmp/lp.py.lp_outer" ]
    # the four lines of one call, in order
    [ "$(sed -n 3,6p "$OUT" | cut -c28-)" = "-> /tmp/lp.py.lp_outer
  -> /tmp/lp.py.lp_inner
  <- /tmp/lp.py.lp_inner
<- /tmp/lp.py.lp_outer" ]
    [ "$(awk -v p="$wpid" 'NR > 2 && ($2 != p || $3 != p)' "$OUT" | wc -l)" -eq 0 ]
}

@test "pythonflow -M lp_in --json: only the matching method, JSON agrees" {
    local wpid
    bg_workload wpid langprobes 2 0
    tracer_start pythonflow -M lp_in --json "$wpid"
    go_workload "$wpid"
    tracer_stop
    cat "$OUT"
    [ "$(jq -r '.method' "$OUT" | sort | uniq -c | sed 's/^ *//')" = "2   -> /tmp/lp.py.lp_inner
2   <- /tmp/lp.py.lp_inner" ]
    [ "$(jq -r "select(.pid == $wpid and .tid == $wpid) | .cpu" "$OUT" | wc -l)" -eq 4 ]
}

@test "-C: a class prefix that matches nothing shows nothing; refusals and bad options" {
    local wpid
    bg_workload wpid langprobes 2 0
    tracer_start uflow -l python -C /nowhere "$wpid"
    go_workload "$wpid"
    tracer_stop
    [ "$(wc -l <"$OUT")" -eq 2 ]
    sleep 5 &
    local p=$!
    BG+=("$p")
    run_bct 1 uflow -l tcl "$p"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $p (/usr/bin/sleep) has no USDT probe proc__args: its tcl runtime was built without USDT probes"* ]]
    run_bct 1 uflow "$p"
    [[ "$output" == *'No language detected; use -l to trace a language.'* ]]
    run_bct 2 uflow -l node "$p"
    run_bct 2 uflow -l python
    run_bct 2 uflow -l python 1 2
}
