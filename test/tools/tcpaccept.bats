#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcpaccept with real connections: test/workloads/tcpcs makes N sessions on loopback to a port
# of the test's own (it accepts each with accept(2)), inside a network namespace the test
# creates. Ports 44xxx are this file's.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=5

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    tcp_netns bct_tcpa
    PORT=$((44000 + BATS_TEST_NUMBER * 2))
    PORT2=$((PORT + 1))
    MARK=tcpa$$_$BATS_TEST_NUMBER
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
    echo "\$ bcctool tcpaccept $*"
    "$BCCTOOL" tcpaccept "$@" >"$OUT" 2>"$ERR" &
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
    echo "\$ bcctool tcpaccept $*"
    "$BCCTOOL" tcpaccept "$@" >"$OUT" 2>"$ERR" &
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
    [ "$rc" -eq 0 ] || fail "tcpaccept exited $rc"
    [ ! -s "$ERR" ] || fail "tcpaccept wrote to stderr: $(cat "$ERR")"
}

# on_port P: the event lines whose LPORT (last column) is P
on_port() {
    awk -v p="$1" 'NR > 1 && $NF == p' "$OUT"
}

@test "N accepts: N lines with BCC's header and layout" {
    local a
    start_trace
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    printf -v want '%-7s %-12s %-2s %-16s %-5s %-16s %-5s' PID COMM IP RADDR RPORT LADDR LPORT
    assert_equal "$(head -1 "$OUT")" "$want"
    assert_equal "$(on_port "$PORT" | wc -l)" "$N"
    run grep -cxE "$(printf '%-7s %-12.12s %-2s %-16s' "$a" "$MARK" 4 127.0.0.1) [0-9]{5} $(printf '%-16s %-5s' 127.0.0.1 "$PORT")" "$OUT"
    assert_output "$N"
}

@test "-p keeps one process, -P the local ports given" {
    local a b
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -n "$N" -p "$PORT2"
    start_trace -p "$a"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(on_port "$PORT" | wc -l)" "$N"
    run awk -v p="$a" 'NR > 1 && $1 != p' "$OUT"
    assert_output ""

    start_trace -P "$PORT2,1"
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -n "$N" -p "$PORT2"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(on_port "$PORT2" | awk -v p="$b" '$1 == p' | wc -l)" "$N"
    run awk -v p="$PORT2" 'NR > 1 && $NF != p && $NF != 1' "$OUT"
    assert_output ""
}

@test "-4 and -6 keep one family; -T and -t add TIME and TIME(s)" {
    local a b
    start_trace -6 -T -t
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -6 -n "$N" -p "$PORT"
    go_workload "$a" "$b"
    stop_trace
    printf -v want '%-9s%-9s%-7s %-12s %-2s %-16s %-5s %-16s %-5s' TIME 'TIME(s)' PID COMM IP \
        RADDR RPORT LADDR LPORT
    assert_equal "$(head -1 "$OUT")" "$want"
    run grep -cE "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]+\\.[0-9]{3} +$(printf '%-7s %-12.12s %-2s %-16s' "$b" "$MARK" 6 ::1) [0-9]{5} $(printf '%-16s %-5s' ::1 "$PORT")\$" "$OUT"
    assert_output "$N"
    run awk 'NR > 1 && $5 != 6' "$OUT"
    assert_output ""

    start_trace -4
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    tcp_sessions b -N "$MARK" -6 -n "$N" -p "$PORT"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(on_port "$PORT" | awk -v p="$a" '$1 == p && $3 == 4' | wc -l)" "$N"
    run awk 'NR > 1 && $3 != 4' "$OUT"
    assert_output ""
}

@test "--json: one object per accept, agreeing with the text" {
    local a
    start_trace_json --json -P "$PORT"
    tcp_sessions a -N "$MARK" -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    run jq -r 'keys_unsorted | join(",")' "$OUT"
    assert_output "$(for ((i = 0; i < N; i++)); do echo ts,pid,comm,ip,raddr,rport,laddr,lport; done)"
    assert_equal "$(jq -c --argjson p "$PORT" --argjson a "$a" --arg c "$MARK" \
        'select(.lport == $p and .pid == $a and .comm == $c and .ip == 4 and .raddr == "127.0.0.1" and .laddr == "127.0.0.1" and .rport > 1023)' "$OUT" | wc -l)" "$N"
}

@test "bad options: -4 with -6, a bad port list, a bad PID" {
    run_bct 2 tcpaccept -4 -6
    assert_output --partial "not allowed with"
    run_bct 2 tcpaccept -P 80,x
    assert_output --partial "port list: '"
    run_bct 2 tcpaccept -p x
    run_bct 2 tcpaccept extra
}
