#!/usr/bin/env bats
# USDT arguments that are global variables: <sys/sdt.h> gives them as an operand naming the
# symbol ("-8@usdtglobal_level(%rip)"), read relative to the probe's address (lib/usdt_args.c).
# test/workloads/usdtglobal fires glob:level N times with the global set to 7000 + I.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
    W=$(workload usdtglobal)
}

teardown() {
    bg_kill
}

@test "trace U:PATH:probe with a sym(%rip) argument: the variable's value at each event, in a filter too" {
    readelf -n "$W" | grep -q 'Arguments: -8@usdtglobal_level(%rip)' ||
        fail "the compiler no longer emits a symbol operand for the probe"
    bg_workload WL usdtglobal 4
    tracer_start trace "U:$W:level \"lv=%ld\", arg1" "U:$W:level (arg1 == 7002) \"hit=%ld\", arg1"
    go_workload "$WL"
    tracer_stop
    cat "$OUT"
    [ "$(grep -E "^$WL +$WL +usdtglobal +level +lv=" "$OUT" | awk '{print $NF}' | paste -sd,)" = \
        "lv=7000,lv=7001,lv=7002,lv=7003" ]
    [ "$(grep -E " level +hit=" "$OUT" | awk '{print $NF}' | paste -sd,)" = "hit=7002" ]
}
