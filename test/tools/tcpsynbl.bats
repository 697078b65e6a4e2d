#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcpsynbl with real handshakes: test/workloads/sockops (synbl) listens with a backlog of its
# own choosing in the test's network namespace and makes N connections it never accepts, so
# the listener's queue holds 0, 1, ..., N-1 connections as each handshake completes. The
# backlog limits (13, 11, 5) are this file's: other tests' listeners use other limits.
load ../helpers

setup() {
    require_bpf
    BG=()
    net_ns bct_synbl
}

teardown() {
    bg_kill
    net_ns_del
}

synbl() {
    ip netns exec "$NS" "$(workload sockops)" "$@" synbl >/dev/null || fail "sockops $* failed"
}

# section MAX: the histogram lines under "backlog_max = MAX"
section() {
    awk -v h="backlog_max = $1" '$0 == h { on = 1; next } on && /^$/ { on = 0 } on' "$OUT"
}

@test "N unaccepted connections: the backlog_max section and BCC's slots" {
    tracer_start tcpsynbl
    assert_equal "$(head -1 "$OUT")" "Tracing SYN backlog size. Ctrl-C to end."
    synbl -p 5001 -b 13 -n 5
    tracer_stop
    section 13
    assert_equal "$(section 13 | head -1)" "     backlog             : count     distribution"
    # backlogs 0 1 | 2 3 | 4: slots 0 -> 1, 2 -> 3, 4 -> 7
    assert_equal "$(section 13 | awk 'NR > 1 { print $1, $3, $5 }' | paste -sd' ')" \
        "0 1 2 2 3 2 4 7 1"
    run grep -cE '^ +0 -> 1 +: 2 +\|\*{40}\|$' "$OUT"
    [ "$output" -ge 1 ]
}

@test "-4 and -6 keep their family only" {
    tracer_start tcpsynbl -6
    synbl -p 5002 -b 11 -n 3
    synbl -6 -p 5003 -b 5 -n 2
    tracer_stop
    assert_equal "$(section 11 | wc -l)" 0
    assert_equal "$(section 5 | awk 'NR > 1 { s += $5 } END { print s }')" 2
    tracer_start tcpsynbl -4
    synbl -p 5002 -b 11 -n 3
    synbl -6 -p 5003 -b 5 -n 2
    tracer_stop
    assert_equal "$(section 5 | wc -l)" 0
    assert_equal "$(section 11 | awk 'NR > 1 { s += $5 } END { print s }')" 3
}

@test "--json: one object per backlog limit, agreeing with the text" {
    tracer_start tcpsynbl --json
    synbl -p 5004 -b 13 -n 5
    tracer_stop
    run jq -c 'select(.backlog_max == 13) | [.val_type, ([.data[] | .count] | add)]' "$OUT"
    assert_output '["backlog",5]'
    run jq -c 'select(.backlog_max == 13) | [.data[] | select(.count > 0) | [."interval-start", .count]]' "$OUT"
    assert_output '[[0,2],[2,2],[4,1]]'
}

@test "bad options exit 2" {
    run_bct 2 tcpsynbl -4 -6
    assert_output --partial "not allowed with"
    run_bct 2 tcpsynbl -x
    run_bct 2 tcpsynbl 1
}
