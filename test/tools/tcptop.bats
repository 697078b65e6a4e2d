#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcptop with real TCP sessions: test/workloads/tcpcs, in the test's own network namespace,
# makes one session on loopback (one process does both ends) moving a known number of bytes
# each way: the client sends S bytes, the server R. So the process has two rows: the client's
# (RX R, TX S) and the server's (RX S, TX R). The tracer's interval is 10 seconds and it is
# stopped (SIGINT: it prints the interval so far) after the sessions (microseconds), so each
# row's bytes fall in that one interval.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
H4='PID     COMM         LADDR                 RADDR                  RX_KB  TX_KB'
H6='PID     COMM         LADDR6                           RADDR6                            RX_KB  TX_KB'

setup() {
    require_bpf
    BG=()
    net_ns bct_ttop
}

teardown() {
    bg_kill
    net_ns_del
}

# session VAR ARGS...: a tcpcs session waiting for its go (its PID in VAR)
session() {
    ns_workload "$1" tcpcs -n 1 "${@:2}"
}

go() {
    kill -USR1 "$1"
    wait "$1" || fail "tcpcs failed"
}

# ends PID ADDR PORT: PID's rows as "server RX_KB TX_KB" and "client RX_KB TX_KB", the server
# being the end whose local address is ADDR:PORT (the client's remote end), nothing else
ends() {
    awk -v p="$1" -v s="$2:$3" '$1 == p && NF == 6 {
            if ($3 == s) print "server", $5, $6; else if ($4 == s) print "client", $5, $6; else print "other", $0 }' "$OUT" | sort
}

# rows PID: the text rows of PID, as "LADDR RADDR RX_KB TX_KB"
rows() {
    awk -v p="$1" '$1 == p && NF == 6 { print $3, $4, $5, $6 }' "$OUT" | sort
}

@test "IPv4: exact RX_KB and TX_KB of both ends, BCC's layout; -S drops the summary line" {
    local c
    session c -p 5401 -s 10240 -r 20480 -N bct_ttop4
    tracer_start tcptop -C 10
    go "$c"
    tracer_stop
    cat "$OUT"
    assert_equal "$(head -1 "$OUT")" "Tracing... Output every 10 secs. Hit Ctrl-C to end"
    assert_equal "$(sed -n 2p "$OUT")" ""
    grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2} loadavg: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+$' "$OUT"
    assert_equal "$(grep -cx "$H4" "$OUT")" 1
    run ends "$c" 127.0.0.1 5401
    assert_output "client 20 10
server 10 20"
    # BCC's "%-7d %-12.12s %-21s %-21s %6d %6d"
    run grep -cE "^$c +bct_ttop4 {4}127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:[0-9]+ +(10|20) +(10|20)\$" "$OUT"
    assert_output 2
    # no clear screen with -C, and none when the output is not a terminal
    run grep -c $'\033' "$OUT"
    assert_output 0

    session c -p 5402 -s 4096 -r 8192 -N bct_ttop4
    tracer_start tcptop -S 10
    go "$c"
    tracer_stop
    cat "$OUT"
    run grep -c ' loadavg: ' "$OUT"
    assert_output 0
    run grep -c $'\033' "$OUT"
    assert_output 0
    run ends "$c" 127.0.0.1 5402
    assert_output "client 8 4
server 4 8"
}

@test "IPv6: its own table; -4 keeps IPv4 only, -6 IPv6 only" {
    local c4 c6
    session c6 -6 -p 5403 -s 7168 -r 3072 -N bct_ttop6
    session c4 -p 5404 -s 2048 -r 2048 -N bct_ttop4
    tracer_start tcptop -C 10
    go "$c6"
    go "$c4"
    tracer_stop
    cat "$OUT"
    assert_equal "$(grep -cx "$H6" "$OUT")" 1
    # the IPv6 table follows the IPv4 one, after an empty line
    run awk -v h="$H6" '$0 == h { print prev } { prev = $0 }' "$OUT"
    assert_output ""
    run ends "$c6" ::1 5403
    assert_output "client 3 7
server 7 3"
    run grep -cE "^$c6 +bct_ttop6 {4}::1:[0-9]+ {20,}::1:[0-9]+ {20,}[37] +[37]\$" "$OUT"
    assert_output 2
    run ends "$c4" 127.0.0.1 5404
    assert_output "client 2 2
server 2 2"

    session c6 -6 -p 5405 -s 7168 -r 3072
    session c4 -p 5406 -s 2048 -r 2048
    tracer_start tcptop -C -4 10
    go "$c6"
    go "$c4"
    tracer_stop
    cat "$OUT"
    assert_equal "$(rows "$c6")" ""
    assert_equal "$(rows "$c4" | wc -l)" 2

    session c6 -6 -p 5407 -s 7168 -r 3072
    session c4 -p 5408 -s 2048 -r 2048
    tracer_start tcptop -C -6 10
    go "$c6"
    go "$c4"
    tracer_stop
    cat "$OUT"
    assert_equal "$(rows "$c4")" ""
    assert_equal "$(rows "$c6" | wc -l)" 2
}

@test "-p PID keeps that process only" {
    local c1 c2
    session c1 -p 5409 -s 5120 -r 1024
    session c2 -p 5410 -s 5120 -r 1024
    tracer_start tcptop -C -p "$c1" 10
    go "$c1"
    go "$c2"
    tracer_stop
    cat "$OUT"
    assert_equal "$(rows "$c1" | wc -l)" 2
    run awk -v p="$c1" 'NF == 6 && $1 ~ /^[0-9]+$/ && $1 != p' "$OUT"
    assert_output ""
}

@test "--json: one object per row, exact bytes, agreeing with the text" {
    local c
    session c -p 5411 -s 100000 -r 30000 -N bct_ttopj
    tracer_start tcptop --json 10
    go "$c"
    tracer_stop
    cat "$OUT"
    run jq -c 'select(.pid == '"$c"') | [.comm, .ip, .laddr, .lport, .raddr, .rport, .rx_bytes, .tx_bytes, .rx_kb, .tx_kb]' "$OUT"
    echo "$output"
    assert_output --regexp '^\["bct_ttopj",4,"127\.0\.0\.1",(5411,"127\.0\.0\.1",[0-9]+,100000,30000,97,29|[0-9]+,"127\.0\.0\.1",5411,30000,100000,29,97)\]
\["bct_ttopj",4,"127\.0\.0\.1",(5411,"127\.0\.0\.1",[0-9]+,100000,30000,97,29|[0-9]+,"127\.0\.0\.1",5411,30000,100000,29,97)\]$'
    # every line is an object with a time stamp
    run jq -e -s 'all(.[]; (.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}$")))' "$OUT"
    assert_success
}

@test "bad options: -4 with -6, interval 0, an unknown option: exit 2" {
    run_bct 2 tcptop -4 -6
    assert_output --partial "not allowed with argument"
    run_bct 2 tcptop 0
    run_bct 2 tcptop -x
}
