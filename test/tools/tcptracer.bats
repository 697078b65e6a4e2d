#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcptracer with real connections: test/workloads/tcpcs makes N sessions on loopback (one
# process connects, accepts, and closes both ends) inside a network namespace of the test's
# own. Ports 45xxx are this file's.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=4

setup() {
    require_bpf
    BG=()
    tcp_netns bct_tcpt
    PORT=$((45100 + BATS_TEST_NUMBER * 2))
    PORT2=$((PORT + 1))
    MARK=tcpt$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
}

teardown() {
    bg_kill
    tcp_netns_del
}

# lines T: the event lines of type T (C, A, X) on port $PORT, either end
lines() {
    awk -v t="$1" -v p="$PORT" '$1 == t && ($7 == p || $8 == p)' "$OUT"
}

@test "N sessions: N C, N A and 2N X lines, BCC's banner, header and layout" {
    local a
    tracer_start tcptracer
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    tracer_stop
    assert_equal "$(sed -n 1p "$OUT")" "Tracing TCP established connections. Ctrl-C to end."
    printf -v want '%-2s %-6s %-16s %-2s %-16s %-16s %-6s %-6s' T PID COMM IP SADDR DADDR SPORT DPORT
    assert_equal "$(sed -n 2p "$OUT")" "$want"
    local pre
    printf -v pre '%-6s %-16s %-2s %-16s %-16s' "$a" "$MARK" 4 127.0.0.1 127.0.0.1
    # connect: local is the client's port, remote the server's; accept the other way round
    run grep -cxE "C  $pre [0-9]{5} +$(printf '%-6s' "$PORT")" "$OUT"
    assert_output "$N"
    run grep -cxE "A  $pre $(printf '%-6s' "$PORT") [0-9]{5} *" "$OUT"
    assert_output "$N"
    run grep -cxE "X  $pre ($(printf '%-6s' "$PORT") [0-9]{5} *|[0-9]{5} +$(printf '%-6s' "$PORT"))" "$OUT"
    assert_output "$((2 * N))"
    assert_equal "$(lines C | wc -l)" "$N"
    assert_equal "$(lines A | wc -l)" "$N"
    assert_equal "$(lines X | wc -l)" "$((2 * N))"
    # each connect's client port is accepted and closed on both ends
    local cport
    for cport in $(lines C | awk '{print $7}'); do
        assert_equal "$(lines A | awk -v c="$cport" '$8 == c' | wc -l)" 1
        assert_equal "$(lines X | awk -v c="$cport" '$7 == c || $8 == c' | wc -l)" 2
    done
}

@test "IPv6, -v -t: TYPE words, TIME(ns), NETNS of the namespace; -6 and -4 keep one family" {
    local a b ns
    tracer_start tcptracer -v -t -6
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -6 -n "$N" -p "$PORT"
    go_workload "$a" "$b"
    tracer_stop
    ns=$(ip netns exec "$NS" stat -Lc %i /proc/self/ns/net)
    printf -v want '%-14s%-12s %-6s %-16s %-2s %-16s %-16s %-6s %-7s%-8s' 'TIME(ns)' TYPE PID \
        COMM IP SADDR DADDR SPORT DPORT NETNS
    assert_equal "$(sed -n 2p "$OUT")" "$want"
    local pre
    printf -v pre '%-6s %-16s %-2s %-16s %-16s' "$b" "$MARK" 6 '[::1]' '[::1]'
    pre=${pre//[/\\[}
    pre=${pre//]/\\]}
    run grep -cE "^[0-9]+ +connect      $pre [0-9]{5} +$PORT +$ns *\$" "$OUT"
    assert_output "$N"
    run grep -cE "^[0-9]+ +accept       $pre $PORT +[0-9]{5} +$ns *\$" "$OUT"
    assert_output "$N"
    run grep -cE "^[0-9]+ +close        $pre [0-9]{5} +[0-9]{5} +$ns *\$" "$OUT"
    assert_output "$((2 * N))"
    run awk 'NR > 2 && $5 != 6' "$OUT"
    assert_output ""

    tracer_start tcptracer -4 -N "$ns"
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -6 -n "$N" -p "$PORT2"
    go_workload "$a" "$b"
    tracer_stop
    assert_equal "$(sed -n 2p "$OUT")" "$(printf '%-2s %-6s %-16s %-2s %-16s %-16s %-6s %-6s' T PID COMM IP SADDR DADDR SPORT DPORT)"
    assert_equal "$(awk 'NR > 2' "$OUT" | wc -l)" "$((4 * N))"
    run awk -v p="$a" 'NR > 2 && ($2 != p || $4 != 4)' "$OUT"
    assert_output ""
}

@test "-p keeps one process; -N another namespace keeps nothing of ours" {
    local a b
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -n "$N" -p "$PORT2"
    tracer_start tcptracer -p "$a"
    go_workload "$a" "$b"
    tracer_stop
    assert_equal "$(awk 'NR > 2' "$OUT" | wc -l)" "$((4 * N))"
    run awk -v p="$a" 'NR > 2 && $2 != p' "$OUT"
    assert_output ""

    tracer_start tcptracer -N "$(stat -Lc %i /proc/self/ns/net)"
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    tracer_stop
    assert_equal "$(grep -c " $MARK " "$OUT")" 0
}

@test "--json: one object per event, agreeing with the text" {
    local a
    tracer_start tcptracer --json -4
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    tracer_stop
    local mine
    mine=$(jq -c --argjson a "$a" 'select(.pid == $a)' "$OUT")
    assert_equal "$(jq -r 'keys_unsorted | join(",")' <<<"$mine" | sort -u)" \
        ts,type,pid,comm,ip,saddr,daddr,sport,dport,netns
    assert_equal "$(jq -c --argjson p "$PORT" 'select(.type == "connect" and .dport == $p and .saddr == "127.0.0.1")' <<<"$mine" | wc -l)" "$N"
    assert_equal "$(jq -c --argjson p "$PORT" 'select(.type == "accept" and .sport == $p and .daddr == "127.0.0.1")' <<<"$mine" | wc -l)" "$N"
    assert_equal "$(jq -c 'select(.type == "close")' <<<"$mine" | wc -l)" "$((2 * N))"
}

@test "bad options: -4 with -6, a bad -N, a bad PID, an argument" {
    run_bct 2 tcptracer -4 -6
    assert_output --partial "not allowed with"
    run_bct 2 tcptracer -N x
    run_bct 2 tcptracer -p x
    run_bct 2 tcptracer extra
}
