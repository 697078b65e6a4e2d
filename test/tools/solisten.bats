#!/usr/bin/env bats
# bats file_tags=needs:bpf
# solisten with real listen() calls: test/workloads/sockops (listen) binds a TCP socket to a
# known address and port in the test's network namespace and listens with a known backlog
# (with -n 2, listens again with backlog + 1: a re-listen). Lines are told apart by the
# workload's PID and command name; ports 51xx are this file's.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    BG=()
    net_ns bct_sol
    MARK=sol$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:12}
}

teardown() {
    bg_kill
    net_ns_del
}

# mine PID: the text lines of PID (column 1)
mine() {
    awk -v p="$1" 'NR > 1 && $1 == p' "$OUT"
}

@test "a listen and a re-listen: BCC's header and exact columns" {
    local a
    tracer_start solisten
    printf -v want '%-7s %-12s %-6s %-8s %-5s %-39s' PID COMM PROTO BACKLOG PORT ADDR
    assert_equal "$(head -1 "$OUT")" "$want"
    ns_workload a sockops -N "$MARK" -p 5101 -b 9 -n 2 listen
    go_workload "$a"
    tracer_stop
    mine "$a"
    printf -v l1 '%-7s %-12.12s %-6s %-8s %-5s %-39s' "$a" "$MARK" TCPv4 9 5101 127.0.0.1
    printf -v l2 '%-7s %-12.12s %-6s %-8s %-5s %-39s' "$a" "$MARK" TCPv4 10 5101 127.0.0.1
    assert_equal "$(mine "$a")" "$l1"$'\n'"$l2"
}

@test "IPv6, and a port listen() chose" {
    local a b
    tracer_start solisten
    ns_workload a sockops -N "$MARK" -6 -p 5102 -b 4 listen
    ns_workload b sockops -N "$MARK" -6 -a :: -p 0 -b 5 listen
    go_workload "$a" "$b"
    tracer_stop
    assert_equal "$(mine "$a" | awk '{ print $3, $4, $5, $6 }')" "TCPv6 4 5102 ::1"
    # here the port listen() bound (BCC's kprobe, before binding, would say 0)
    run awk '{ print $3, $4, $6; print ($5 > 0) }' <<<"$(mine "$b")"
    assert_output $'TCPv6 5 ::\n1'
}

@test "-p keeps exactly that process's listens" {
    local a b
    ns_workload a sockops -N "$MARK" -p 5103 -b 3 -n 2 listen
    ns_workload b sockops -N "$MARK" -p 5104 -b 3 -n 2 listen
    tracer_start solisten -p "$a"
    go_workload "$a" "$b"
    tracer_stop
    assert_equal "$(mine "$a" | wc -l)" 2
    assert_equal "$(awk 'NR > 1' "$OUT" | wc -l)" 2
}

@test "--show-netns and -n NETNS" {
    local a b ns
    ns=$(ip netns exec "$NS" readlink /proc/self/ns/net)
    ns=${ns//[^0-9]/}
    tracer_start solisten --show-netns -n "$ns"
    printf -v want '%-7s %-12s %-12s %-6s %-8s %-5s %-39s' PID COMM NETNS PROTO BACKLOG PORT ADDR
    assert_equal "$(head -1 "$OUT")" "$want"
    ns_workload a sockops -N "$MARK" -p 5105 -b 6 listen
    go_workload "$a"
    tracer_stop
    printf -v want '%-7s %-12.12s %-12s %-6s %-8s %-5s %-39s' "$a" "$MARK" "$ns" TCPv4 6 5105 127.0.0.1
    assert_equal "$(mine "$a")" "$want"
    tracer_start solisten -n $((ns + 1))
    ns_workload b sockops -N "$MARK" -p 5105 -b 6 listen
    go_workload "$b"
    tracer_stop
    assert_equal "$(mine "$b" | wc -l)" 0
}

@test "--json: one object per listen, agreeing with the text" {
    local a ns
    ns=$(ip netns exec "$NS" readlink /proc/self/ns/net)
    ns=${ns//[^0-9]/}
    tracer_start solisten --json
    ns_workload a sockops -N "$MARK" -p 5106 -b 9 -n 2 listen
    go_workload "$a"
    tracer_stop
    run jq -c "select(.pid == $a) | [.comm, .netns, .proto, .backlog, .port, .addr]" "$OUT"
    assert_output "[\"$MARK\",$ns,\"TCPv4\",9,5106,\"127.0.0.1\"]"$'\n'"[\"$MARK\",$ns,\"TCPv4\",10,5106,\"127.0.0.1\"]"
}

@test "bad options exit 2" {
    run_bct 2 solisten -n abc
    run_bct 2 solisten -x
    run_bct 2 solisten 1
}
