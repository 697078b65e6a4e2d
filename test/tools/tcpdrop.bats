#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcpdrop with real drops: test/workloads/tcploss connects one session on loopback inside a
# network namespace of the test's own, then sends N segments to the server's port through a
# raw socket with a sequence number far outside the server's window: TCP drops each one
# (TCP_INVALID_SEQUENCE, state ESTABLISHED, flags ACK). Closing the session also purges its
# queues (QUEUE_PURGE, state CLOSE), which BCC shows too; the assertions count the marked
# drops only. Ports 48xxx are this file's.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=4

setup() {
    require_bpf
    BG=()
    net_ns tcpd
    PORT=$((48000 + BATS_TEST_NUMBER * 2))
}

teardown() {
    bg_kill
    net_ns_del
}

drops() {
    local w out
    w=$(workload tcploss)
    out=$(ip netns exec "$NS" "$w" -p "${1:-$PORT}" -n "$N" drop) || fail "tcploss failed: $out"
    echo "workload: $out"
}

@test "tcpdrop: each dropped segment with BCC's columns, then its kernel stack" {
    tracer_start tcpdrop
    drops
    tracer_stop
    cat -A "$OUT" | head -40
    local first=1
    if "$BCCTOOL" check tcpdrop | grep -q 'tcpdrop  *tracepoint'; then
        [ "$(sed -n 1p "$OUT")" = "WARNING: tcp_drop() kernel function not found or traceable. Use tracpoint:skb:kfree_skb instead." ]
        first=2
    fi
    [ "$(sed -n ${first}p "$OUT")" = "TIME     PID     IP SADDR:SPORT          > DADDR:DPORT          STATE (FLAGS)" ]
    local re="^[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9 ]{7} 4  127\.0\.0\.1:[0-9]+ +> 127\.0\.0\.1:$PORT +ESTABLISHED \(ACK\)$"
    run grep -cE "$re" "$OUT"
    [ "$output" -eq "$N" ]
    # %-20s addresses
    grep -E "$re" "$OUT" | head -1 | grep -qE '^.{20}127\.0\.0\.1:[0-9]+ +> '
    # the line after each drop is its stack's first frame ("\tfunc+0x1f"), and TCP's receive
    # path is in it; a blank line ends each stack
    run sh -c "grep -A1 -E '$re' '$OUT' | grep -cP '^\t[A-Za-z_.0-9]+\+0x[0-9a-f]+$'"
    [ "$output" -eq "$N" ]
    run sh -c "grep -A40 -E '$re' '$OUT' | grep -cP '^\ttcp_v4_rcv\+0x'"
    [ "$output" -ge "$N" ]
    [ "$(grep -cx '' "$OUT")" -eq "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} ' "$OUT")" ]
    # the process that sent the segments: the drop happens in its sendto()'s softirq
    [ "$(grep -E "$re" "$OUT" | awk '{print $2}' | sort -u | wc -l)" -eq 1 ]
}

@test "tcpdrop -4 shows the IPv4 drops; -6 leaves them out" {
    tracer_start tcpdrop -6
    drops
    tracer_stop
    [ "$(grep -c ":$PORT " "$OUT")" -eq 0 ]

    tracer_start tcpdrop -4
    drops $((PORT + 1))
    tracer_stop
    run grep -cE " > 127\.0\.0\.1:$((PORT + 1)) +ESTABLISHED \(ACK\)$" "$OUT"
    [ "$output" -eq "$N" ]
}

@test "tcpdrop --json: one object per drop with the kernel's reason and the stack" {
    tracer_start tcpdrop --json
    drops
    tracer_stop
    cut -c1-300 "$OUT"
    run jq -e -s "map(select(.dport == $PORT and .reason == \"TCP_INVALID_SEQUENCE\")) |
        length == $N and all(.ip == 4 and .saddr == \"127.0.0.1\" and .daddr == \"127.0.0.1\" and
        .state == \"ESTABLISHED\" and .flags == \"ACK\" and (.sport | type) == \"number\" and
        (.pid | type) == \"number\" and (.stack | test(\"(^|;)tcp_v4_rcv[+]0x\")) and
        (.time | test(\"^[0-9]{2}:[0-9]{2}:[0-9]{2}$\")))" "$OUT"
    [ "$status" -eq 0 ]
    # no text lines in the stream
    run jq -e -s 'length > 0' "$OUT"
    [ "$status" -eq 0 ]
}

@test "tcpdrop: bad options exit 2" {
    run_bct 2 tcpdrop -4 -6
    [[ "$output" == *"not allowed with argument -4/--ipv4"* ]]
    run_bct 2 tcpdrop -x
    run_bct 2 tcpdrop 1
}
