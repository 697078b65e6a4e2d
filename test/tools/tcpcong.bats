#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcpcong with real congestion: an nftables rule in a network namespace of the test's own
# drops a third of the packets to the test's port on loopback while test/workloads/tcpstream
# sends a few MB to it; the sender's connection goes through recovery or loss and back.
# Ports 45xxx above 45300 are this file's.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    command -v nft >/dev/null || skip "nft (nftables) is not installed"
    BG=()
    tcp_netns bct_tcpcg
    PORT=$((45300 + BATS_TEST_NUMBER * 2))
    PORT2=$((PORT + 1))
    ip netns exec "$NS" nft -f - <<NFT || fail "cannot add the nftables rule"
table inet bct_tcpcong {
    chain input {
        type filter hook input priority 0;
        tcp dport $PORT numgen random mod 3 == 0 drop
    }
}
NFT
}

teardown() {
    bg_kill
    if [ -n "${NS:-}" ]; then ip netns exec "$NS" nft delete table inet bct_tcpcong 2>/dev/null || true; fi
    tcp_netns_del
}

# lossy: 2 MB to $PORT through the drop rule, then 2 MB to $PORT2 (no loss)
lossy() {
    local w
    w=$(workload tcpstream) || return 1
    ip netns exec "$NS" timeout 60 "$w" -p "$PORT" -s 2000000 >/dev/null || fail "tcpstream failed"
    ip netns exec "$NS" timeout 60 "$w" -p "$PORT2" -s 2000000 >/dev/null || fail "tcpstream failed"
}

# row: the table rows of connections to 127.0.0.1/$PORT
rows() {
    awk -v r="127.0.0.1/$PORT" '$2 == r' "$OUT"
}

@test "table: time out of the open state for the lossy connection, BCC's layout" {
    tracer_start tcpcong -u
    lossy
    tracer_stop
    cat "$OUT"
    assert_equal "$(sed -n 1p "$OUT")" "Tracing tcp congestion control status duration... Hit Ctrl-C to end."
    printf -v want '%-21s%-21s %-7s %-6s %-7s %-7s %-6s %-5s' LAddrPort RAddrPort Open_us Dod_us \
        Rcov_us Cwr_us Los_us Chgs
    run grep -cxF "$want" "$OUT"
    assert_output 1
    assert_equal "$(rows | wc -l)" 1
    # disorder + recovery + cwr + loss > 0, and changes > 0
    run rows
    [[ "$output" =~ ^127\.0\.0\.1/[0-9]+\ +127\.0\.0\.1/$PORT\ +[0-9]+\ +[0-9]+\ +[0-9]+\ +[0-9]+\ +[0-9]+\ +[0-9]+\ *$ ]] ||
        fail "not a table row: $output"
    assert_equal "$(rows | awk '{ print ($4 + $5 + $6 + $7 > 0 && $8 > 0) }')" 1
}

@test "-R and -L keep their port ranges" {
    tracer_start tcpcong -R "$PORT2-$((PORT2 + 5))"
    lossy
    tracer_stop
    assert_equal "$(rows | wc -l)" 0
    run awk -v r="$PORT2" 'NR > 2 && NF == 8 && $1 !~ /^LAddrPort/ && $2 !~ "/" r "$"' "$OUT"
    assert_output ""

    tracer_start tcpcong -u -L 1024-65535 -R "$PORT"
    lossy
    tracer_stop
    assert_equal "$(rows | wc -l)" 1
    run awk -v r="127.0.0.1/$PORT" 'NR > 2 && NF == 8 && $1 !~ /^LAddrPort/ && $2 != r' "$OUT"
    assert_output ""
}

@test "-d: histograms per state, a non-open state among them; -T and intervals" {
    tracer_start tcpcong -d -u -R "$PORT" -T 1 60
    lossy
    tracer_stop
    cat "$OUT"
    run grep -cE '^tcp_congest_state = (disorder|cwr|recovery|loss)$' "$OUT"
    [ "$output" -ge 1 ] || fail "no non-open state"
    run grep -c '^ *usecs *: count *distribution$' "$OUT"
    [ "$output" -ge 1 ] || fail "no histogram"
    run grep -cE '^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]$' "$OUT"
    [ "$output" -ge 1 ] || fail "no -T line"
}

@test "--json: one object per connection, agreeing with the text" {
    tracer_start tcpcong --json -u -R "$PORT"
    lossy
    tracer_stop
    cat "$OUT"
    assert_equal "$(jq -r 'keys_unsorted | join(",")' "$OUT" | sort -u)" \
        ts,ip,laddr,lport,raddr,rport,unit,open,disorder,cwr,recovery,loss,changes
    assert_equal "$(jq -c --argjson p "$PORT" 'select(.rport == $p and .raddr == "127.0.0.1" and .unit == "us" and .changes > 0 and .disorder + .cwr + .recovery + .loss > 0)' "$OUT" | wc -l)" 1
}

@test "bad options: a bad port range, a bad interval" {
    run_bct 2 tcpcong -L x
    assert_output --partial "unrecognized local port range"
    run_bct 2 tcpcong -R 1-2-3
    run_bct 2 tcpcong 0
    run_bct 2 tcpcong 1 2 3
}
