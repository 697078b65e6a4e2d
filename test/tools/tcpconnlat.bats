#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcpconnlat with real connects: test/workloads/tcpcs makes N sessions on loopback to a port
# of the test's own, inside a network namespace the test creates. Ports 45xxx are this file's.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=5

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    tcp_netns bct_tcpcl
    PORT=$((45000 + BATS_TEST_NUMBER * 2))
    PORT2=$((PORT + 1))
    MARK=tcpcl$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:12}
}

teardown() {
    bg_kill
    tcp_netns_del
}

start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool tcpconnlat $*"
    "$BCCTOOL" tcpconnlat "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header from the tracer"; }
}

# attached: the tracer holds bpf_link fds (--json prints no header)
attached() {
    ls -l "/proc/$TRACER/fd" 2>/dev/null | grep -q 'anon_inode:bpf_link'
}

start_trace_json() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool tcpconnlat $*"
    "$BCCTOOL" tcpconnlat "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 attached || { cat "$ERR" >&2; fail "the tracer never attached"; }
}

stop_trace() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "tcpconnlat exited $rc"
    [ ! -s "$ERR" ] || fail "tcpconnlat wrote to stderr: $(cat "$ERR")"
}

# of PID: the event lines of that process (PID is the first column without -t)
of() {
    awk -v p="$1" 'NR > 1 && $1 == p' "$OUT"
}

@test "N connects: N lines with BCC's header and layout, LAT(ms) >= 0" {
    local a
    start_trace
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    printf -v want '%-7s %-12s %-2s %-16s %-16s %-5s %s' PID COMM IP SADDR DADDR DPORT 'LAT(ms)'
    assert_equal "$(head -1 "$OUT")" "$want"
    run grep -cE "^$(printf '%-7s %-12.12s %-2s %-16s %-16s %-5s' "$a" "$MARK" 4 127.0.0.1 127.0.0.1 "$PORT") [0-9]+\\.[0-9]{2}\$" "$OUT"
    assert_output "$N"
    assert_equal "$(of "$a" | wc -l)" "$N"
}

@test "-p keeps one process; min_ms drops the faster connects" {
    local a b
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -n "$N" -p "$PORT2"
    start_trace -p "$a"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(of "$a" | awk -v p="$PORT" '$6 == p' | wc -l)" "$N"
    run awk -v p="$a" 'NR > 1 && $1 != p' "$OUT"
    assert_output ""

    # no loopback connect takes 10 s
    start_trace 10000
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    assert_equal "$(of "$a" | wc -l)" 0
    start_trace 0.001
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    # 1 us or more: every line left shows at least 0.00 ms, and none is lost for nothing
    assert_equal "$(of "$a" | awk '$NF >= 0' | wc -l)" "$(of "$a" | wc -l)"
}

@test "-4 and -6 keep one family; -t and -L add TIME(s) and LPORT" {
    local a b
    start_trace -6 -t -L
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -6 -n "$N" -p "$PORT"
    go_workload "$a" "$b"
    stop_trace
    printf -v want '%-9s%-7s %-12s %-2s %-16s %-6s %-16s %-5s %s' 'TIME(s)' PID COMM IP SADDR LPORT \
        DADDR DPORT 'LAT(ms)'
    assert_equal "$(head -1 "$OUT")" "$want"
    run grep -cE "^[0-9]+\\.[0-9]{3} +$(printf '%-7s %-12.12s %-2s %-16s' "$b" "$MARK" 6 ::1) [0-9]{5} +$(printf '%-16s %-5s' ::1 "$PORT") [0-9]+\\.[0-9]{2}\$" "$OUT"
    assert_output "$N"
    run awk 'NR > 1 && $4 != 6' "$OUT"
    assert_output ""

    start_trace -4
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -6 -n "$N" -p "$PORT"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(of "$a" | awk '$3 == 4' | wc -l)" "$N"
    run awk 'NR > 1 && $3 != 4' "$OUT"
    assert_output ""
}

@test "--json: one object per connection, agreeing with the text" {
    local a
    start_trace_json --json
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    run jq -r --argjson a "$a" 'select(.pid == $a) | keys_unsorted | join(",")' "$OUT"
    assert_output "$(for ((i = 0; i < N; i++)); do echo ts,pid,comm,ip,saddr,lport,daddr,dport,lat_ms; done)"
    assert_equal "$(jq -c --argjson p "$PORT" --argjson a "$a" --arg c "$MARK" \
        'select(.dport == $p and .pid == $a and .comm == $c and .ip == 4 and .saddr == "127.0.0.1" and .daddr == "127.0.0.1" and .lport > 1023 and .lat_ms >= 0)' "$OUT" | wc -l)" "$N"
}

@test "bad options: -4 with -6, a bad or negative min_ms, two of them" {
    run_bct 2 tcpconnlat -4 -6
    assert_output --partial "not allowed with"
    run_bct 2 tcpconnlat x
    assert_output --partial "must be a float"
    run_bct 2 tcpconnlat -- -1
    assert_output --partial "must be positive"
    run_bct 2 tcpconnlat 1 2
    run_bct 2 tcpconnlat -p x
}
