#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcprtt with real TCP sessions: test/workloads/tcpcs makes N sessions on loopback in the
# test's network namespace, to a port of this file's (53xx), moving data both ways, so both
# ends receive segments on established sockets. This kernel has no netem qdisc to give the
# sessions a known RTT, so the tests check what the filters keep and where the samples go
# (loopback RTTs are far below a millisecond), not the RTT's value.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    BG=()
    net_ns bct_rtt
}

teardown() {
    bg_kill
    net_ns_del
}

sessions() {
    ip netns exec "$NS" "$(workload tcpcs)" -n 3 -s 20000 -r 20000 "$@" >/dev/null ||
        fail "tcpcs $* failed"
}

# total TITLE: the sum of the counts under the section titled TITLE
total() {
    awk -v h="$1" 'index($0, h) == 1 { on = 1; next } on && /^$/ { on = 0 } on && $2 == "->" { s += $5 } END { print s + 0 }' "$OUT"
}

@test "-p and -P keep the sessions' ends; BCC's banner and section" {
    tracer_start tcprtt -p 5301
    assert_equal "$(head -1 "$OUT")" "Tracing TCP RTT... Hit Ctrl-C to end."
    sessions -p 5301
    sessions -p 5302
    tracer_stop
    assert_equal "$(grep -c '^All Addresses = \*\*\*\*\*\*\*$' "$OUT")" 1
    assert_equal "$(grep -c '^     usecs               : count     distribution$' "$OUT")" 1
    [ "$(total 'All Addresses')" -gt 0 ]
    tracer_start tcprtt -P 5303 -m
    sessions -p 5303
    tracer_stop
    # loopback: every sample under a millisecond
    run awk '$2 == "->" && $5 > 0 { print $1, $3 }' "$OUT"
    assert_output "0 1"
    tracer_start tcprtt -p 5399
    sessions -p 5304
    tracer_stop
    assert_equal "$(grep -c ' -> ' "$OUT")" 0
}

@test "-b and -B: a section per address; -a/-A filter by address; -6 drops IPv4" {
    tracer_start tcprtt -p 5305 -b
    sessions -p 5305
    tracer_stop
    [ "$(total 'Local Address = 127.0.0.1')" -gt 0 ]
    tracer_start tcprtt -P 5306 -B -A 127.0.0.1
    sessions -p 5306
    tracer_stop
    [ "$(total 'Remote Addres = 127.0.0.1')" -gt 0 ]
    tracer_start tcprtt -p 5307 -a 127.0.0.2
    sessions -p 5307
    tracer_stop
    assert_equal "$(grep -c ' -> ' "$OUT")" 0
    tracer_start tcprtt -p 5308 -6
    sessions -p 5308
    tracer_stop
    assert_equal "$(grep -c ' -> ' "$OUT")" 0
}

@test "-e: the average in the section's title; -i and -d print intervals and end" {
    tracer_start tcprtt -p 5309 -e -T
    sessions -p 5309
    tracer_stop
    run grep -cE '^All Addresses = \*{7} \[AVG [0-9]+\]$' "$OUT"
    assert_output 1
    run grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} *$' "$OUT"
    assert_output 1
    run_bct tcprtt -i 1 -d 2 -p 5310
    assert_equal "$(grep -c '^All Addresses' <<<"$output")" 0
    assert_equal "$(head -1 <<<"$output")" "Tracing TCP RTT... Hit Ctrl-C to end."
}

@test "--json: one object per histogram, agreeing with the text" {
    tracer_start tcprtt --json -p 5311 -e
    sessions -p 5311
    tracer_stop
    run jq -c '[.val_type, .addr, (([.data[] | .count] | add) == .count), .count > 0, (.avg | type)]' "$OUT"
    assert_output '["usecs","*******",true,true,"number"]'
}

@test "bad options exit 2" {
    run_bct 2 tcprtt -4 -6
    run_bct 2 tcprtt -a nothere
    run_bct 2 tcprtt -p x
    run_bct 2 tcprtt 1
}
