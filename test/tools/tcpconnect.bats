#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcpconnect with real connects: test/workloads/tcpcs makes N sessions on loopback to a port
# of the test's own, inside a network namespace the test creates. Ports 43xxx are this file's.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=5

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    tcp_netns bct_tcpc
    PORT=$((43000 + BATS_TEST_NUMBER * 2))
    PORT2=$((PORT + 1))
    MARK=tcpc$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:12}
}

teardown() {
    bg_kill
    tcp_netns_del
}

# start_trace ARGS...: the tracer in the background; returns once its header (or -c's banner)
# is out.
start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool tcpconnect $*"
    "$BCCTOOL" tcpconnect "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no banner from the tracer"; }
}

# start_trace_json ARGS...: --json has no header: one connect to PORT2 at a time until the
# tracer shows one (ARGS must let PORT2 through).
start_trace_json() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool tcpconnect $*"
    "$BCCTOOL" tcpconnect "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 300 marker_seen "$(workload tcpcs)" || { cat "$ERR" >&2; fail "the tracer never showed a marker connect"; }
}

# attached: the tracer holds bpf_link fds (-c --json prints nothing before the end)
attached() {
    ls -l "/proc/$TRACER/fd" 2>/dev/null | grep -q 'anon_inode:bpf_link'
}

marker_seen() {
    ip netns exec "$NS" "$1" -n 1 -p "$PORT2" >/dev/null && sleep 0.02 &&
        grep -q "\"dport\":$PORT2[,}]" "$OUT"
}

stop_trace() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "tcpconnect exited $rc"
    [ ! -s "$ERR" ] || fail "tcpconnect wrote to stderr: $(cat "$ERR")"
}

# to_port P: the event lines whose DPORT (last column) is P
to_port() {
    awk -v p="$1" 'NR > 2 && $NF == p' "$OUT"
}

@test "N connects: N lines with BCC's banner, header and layout" {
    local a
    start_trace
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "Tracing connect ... Hit Ctrl-C to end"
    printf -v want '%-7s %-12s %-2s %-16s %-16s %-6s' PID COMM IP SADDR DADDR DPORT
    assert_equal "$(sed -n 2p "$OUT")" "$want"
    assert_equal "$(to_port "$PORT" | wc -l)" "$N"
    # BCC's "%-7d %-12.12s %-2d %-16s %-16s %-6d %s" with an empty last field
    printf -v want '%-7s %-12.12s %-2s %-16s %-16s %-6s ' "$a" "$MARK" 4 127.0.0.1 127.0.0.1 "$PORT"
    run grep -cxF "$want" "$OUT"
    assert_output "$N"
}

@test "-p keeps one process, -P the destination ports given" {
    local a b
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -n "$N" -p "$PORT2"
    start_trace -p "$a"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(to_port "$PORT" | wc -l)" "$N"
    run awk -v p="$a" 'NR > 2 && $1 != p' "$OUT"
    assert_output ""

    start_trace -P "$PORT2,1"
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -n "$N" -p "$PORT2"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(to_port "$PORT2" | awk -v p="$b" '$1 == p' | wc -l)" "$N"
    run awk -v p="$PORT2" 'NR > 2 && $NF != p && $NF != 1' "$OUT"
    assert_output ""
}

@test "-4 and -6 keep one family: 127.0.0.1 or ::1" {
    local a b
    start_trace -6
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -6 -n "$N" -p "$PORT"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(to_port "$PORT" | awk -v p="$b" '$1 == p && $3 == 6 && $4 == "::1" && $5 == "::1"' | wc -l)" "$N"
    run awk 'NR > 2 && $3 != 6' "$OUT"
    assert_output ""

    start_trace -4
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -6 -n "$N" -p "$PORT"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(to_port "$PORT" | awk -v p="$a" '$1 == p && $3 == 4' | wc -l)" "$N"
    run awk 'NR > 2 && $3 != 4' "$OUT"
    assert_output ""
}

@test "-t, -U and -L: TIME(s), UID and LPORT columns" {
    local a
    start_trace -t -U -L -P "$PORT"
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    printf -v want '%-9s%-6s%-7s %-12s %-2s %-16s %-6s %-16s %-6s' 'TIME(s)' UID PID COMM IP SADDR \
        LPORT DADDR DPORT
    assert_equal "$(sed -n 2p "$OUT")" "$want"
    run grep -cE "^[0-9]+\\.[0-9]{3} +$(printf '%-6s%-7s %-12.12s %-2s %-16s' 0 "$a" "$MARK" 4 127.0.0.1) [0-9]{5} +$(printf '%-16s %-6s ' 127.0.0.1 "$PORT")\$" "$OUT"
    assert_output "$N"
    # every local port is a real one, and each differs
    assert_equal "$(awk 'NR > 2 { print $7 }' "$OUT" | sort -u | awk '$1 > 1023' | wc -l)" "$N"
}

@test "-c: BCC's table of connects per address pair and port at the end" {
    local a b
    start_trace -c
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -6 -n 3 -p "$PORT2"
    go_workload "$a" "$b"
    stop_trace
    printf -v want '%-25s %-25s %-20s %-10s' LADDR RADDR RPORT CONNECTS
    assert_equal "$(sed -n 3p "$OUT")" "$want"
    printf -v want '%-25s %-25s %-20s %-10s' 127.0.0.1 127.0.0.1 "$PORT" "$N"
    run grep -cxF "$want" "$OUT"
    assert_output 1
    printf -v want '%-25s %-25s %-20s %-10s' ::1 ::1 "$PORT2" 3
    run grep -cxF "$want" "$OUT"
    assert_output 1
}

@test "--json: one object per connect, agreeing with the text" {
    local a
    start_trace_json --json -P "$PORT,$PORT2"
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    run jq -r "select(.dport == $PORT) | keys_unsorted | join(\",\")" "$OUT"
    assert_output "$(for ((i = 0; i < N; i++)); do echo ts,uid,pid,comm,ip,saddr,daddr,dport; done)"
    assert_equal "$(jq -c --argjson p "$PORT" --argjson a "$a" --arg c "$MARK" \
        'select(.dport == $p and .pid == $a and .comm == $c and .ip == 4 and .uid == 0 and .saddr == "127.0.0.1" and .daddr == "127.0.0.1")' "$OUT" | wc -l)" "$N"

    TRACE_SEQ=$((TRACE_SEQ + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    "$BCCTOOL" tcpconnect -c --json >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 attached || { cat "$ERR" >&2; fail "the tracer never attached"; }
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    run jq -c "select(.rport == $PORT)" "$OUT"
    assert_output "{\"ip\":4,\"laddr\":\"127.0.0.1\",\"raddr\":\"127.0.0.1\",\"rport\":$PORT,\"connects\":$N}"
}

@test "bad options: -4 with -6, a bad port list, -d, -c with -d" {
    run_bct 2 tcpconnect -4 -6
    assert_output --partial "not allowed with"
    run_bct 2 tcpconnect -P 80,,81
    assert_output --partial "port list: '"
    run_bct 2 tcpconnect -p x
    run_bct 2 tcpconnect extra
    run_bct 1 tcpconnect -d
    assert_output --partial "-d/--dns is not available"
    run_bct 0 tcpconnect -c -d
    assert_output "Error: you may not specify -d/--dns with -c/--count."
}
