#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcppktlat with real reads: test/workloads/tcpstream sends K messages of 100 bytes on
# loopback, in a network namespace of the test's own; its server waits D ms before it reads
# each (their latency is about D ms), then answers one byte, which the client reads at once.
# Ports 45xxx above 45500 are this file's.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
K=3
D=80

setup() {
    require_bpf
    BG=()
    tcp_netns bct_tcppl
    PORT=$((45500 + BATS_TEST_NUMBER * 2))
    PORT2=$((PORT + 1))
    MARK=tcppl$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
}

teardown() {
    bg_kill
    tcp_netns_del
}

# stream VAR ARGS...: tcpstream -w in NS, waiting for go_workload; its PID in VAR
stream() {
    local var=$1 w out pid
    shift
    w=$(workload tcpstream) || return 1
    out=$(mktemp "$BATS_TEST_TMPDIR/tcpstream.XXXXXX")
    ip netns exec "$NS" "$w" -w -N "$MARK" -k "$K" -d "$D" "$@" >"$out" &
    pid=$!
    BG+=("$pid")
    printf -v "$var" %s "$pid"
    wait_for "$pid" 1000 grep -qx ready "$out" || fail "tcpstream $* never got ready"
}

# mine: the event lines of our command name
mine() {
    awk -v m="$MARK" 'NR > 1 && $3 == m' "$OUT"
}

@test "min latency: the K delayed reads, above the floor, with libbpf-tools' header" {
    local a
    tracer_start tcppktlat $((D * 1000 / 2))
    stream a -p "$PORT" -s 100000
    go_workload "$a"
    tracer_stop
    printf -v want '%-7s %-7s %-16s %-15s %-5s %-15s %-5s %s' PID TID COMM LADDR LPORT RADDR RPORT MS
    assert_equal "$(head -1 "$OUT")" "$want"
    local pre
    printf -v pre '%-7s %-7s %-16s %-15s %-5s %-15s' "$a" "$a" "$MARK" 127.0.0.1 "$PORT" 127.0.0.1
    run grep -cxE "$pre [0-9]{5} [0-9]+\\.[0-9]{2}" "$OUT"
    assert_output "$K"
    assert_equal "$(mine | wc -l)" "$K"
    # each is about D ms: above D * 3/4 and the threshold
    run awk -v f=$((D * 3 / 4)) '$NF < f' <(mine)
    assert_output ""
}

@test "-l keeps the local port, -r the remote one, -p one process" {
    local a b
    tracer_start tcppktlat -l "$PORT"
    stream a -p "$PORT"
    stream b -p "$PORT2"
    go_workload "$a" "$b"
    tracer_stop
    # the server's K reads of its port; the other session's and the clients' are not shown
    assert_equal "$(mine | awk -v p="$PORT" -v a="$a" '$1 == a && $5 == p' | wc -l)" "$K"
    run awk -v p="$PORT" 'NR > 1 && $5 != p' "$OUT"
    assert_output ""

    tracer_start tcppktlat -r "$PORT"
    stream a -p "$PORT"
    stream b -p "$PORT2"
    go_workload "$a" "$b"
    tracer_stop
    # the client's K reads of the answers, from the server's port
    assert_equal "$(mine | awk -v p="$PORT" -v a="$a" '$1 != a && $7 == p' | wc -l)" "$K"
    run awk -v p="$PORT" 'NR > 1 && $7 != p' "$OUT"
    assert_output ""

    stream a -p "$PORT"
    stream b -p "$PORT2"
    tracer_start tcppktlat -p "$b" -T -w
    go_workload "$a" "$b"
    tracer_stop
    printf -v want '%-8s %-7s %-7s %-16s %-26s %-5s %-26s %-5s %s' 'TIME(s)' PID TID COMM LADDR \
        LPORT RADDR RPORT MS
    assert_equal "$(head -1 "$OUT")" "$want"
    local pre
    printf -v pre '%-7s %-7s %-16s %-26s %-5s %-26s' "$b" "$b" "$MARK" 127.0.0.1 "$PORT2" 127.0.0.1
    run grep -cxE "[0-2][0-9]:[0-5][0-9]:[0-6][0-9] $pre [0-9]{5} [0-9]+\\.[0-9]{2}" "$OUT"
    assert_output "$K"
    run awk -v p="$b" 'NR > 1 && $2 != p' "$OUT"
    assert_output ""
}

@test "IPv6 and --json: one object per read, agreeing with the text" {
    local a
    tracer_start tcppktlat --json $((D * 1000 / 2))
    stream a -6 -p "$PORT"
    go_workload "$a"
    tracer_stop
    local m
    m=$(jq -c --arg c "$MARK" 'select(.comm == $c)' "$OUT")
    assert_equal "$(jq -r 'keys_unsorted | join(",")' <<<"$m" | sort -u)" \
        pid,tid,comm,ip,laddr,lport,raddr,rport,ms
    assert_equal "$(jq -c --argjson p "$PORT" --argjson a "$a" --argjson f $((D * 3 / 4)) \
        'select(.pid == $a and .ip == 6 and .laddr == "::1" and .raddr == "::1" and .lport == $p and .ms > $f)' <<<"$m" | wc -l)" "$K"
}

@test "bad options: a bad port, a bad latency, two latencies, a bad PID" {
    run_bct 2 tcppktlat -l x
    run_bct 2 tcppktlat -r 70000
    run_bct 2 tcppktlat 0
    run_bct 2 tcppktlat 10 20
    run_bct 2 tcppktlat -p x
}
