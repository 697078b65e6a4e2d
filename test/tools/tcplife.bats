#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcplife with real TCP sessions: test/workloads/tcpcs makes N sessions on loopback, to a port
# of the test's own, inside a network namespace the test creates (removed in teardown), sending
# S bytes to the server and R bytes back. Each session is two lines (its client end and its
# server end, both of tcpcs's process). Ports 42xxx are this file's (tcpstates.bats uses 41xxx;
# files run in parallel).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=5
S=31000 # 30 KiB and some
R=5200  # 5 KiB and some

setup() {
    require_bpf
    command -v ip >/dev/null || skip "ip (iproute2) is not installed"
    T=$BATS_TEST_TMPDIR
    BG=()
    NS=bct_tcpl_$$_$BATS_TEST_NUMBER
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    PORT=$((42000 + BATS_TEST_NUMBER * 2))
    PORT2=$((PORT + 1))
    MARK=tcpl$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:10}
}

teardown() {
    bg_kill
    ip netns del "$NS" 2>/dev/null || true
}

start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool tcplife $*"
    "$BCCTOOL" tcplife "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header from the tracer"; }
}

# start_trace_json ARGS...: for --json, which has no header: makes one session on PORT2 at a
# time until the tracer shows it (ARGS must let PORT2 through).
start_trace_json() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool tcplife $*"
    "$BCCTOOL" tcplife "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    local w
    w=$(workload tcpcs)
    wait_for "$TRACER" 300 marker_seen "$w" || { cat "$ERR" >&2; fail "the tracer never showed a marker session"; }
}

marker_seen() {
    ip netns exec "$NS" "$1" -n 1 -p "$PORT2" >/dev/null && sleep 0.02 &&
        grep -q "\"lport\":$PORT2," "$OUT"
}

stop_trace() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "tcplife exited $rc"
    [ ! -s "$ERR" ] || fail "tcplife wrote to stderr: $(cat "$ERR")"
}

# sessions VAR ARGS...: tcpcs ARGS in the namespace, waiting for go_workload; its PID in VAR.
sessions() {
    local var=$1 w out pid
    shift
    w=$(workload tcpcs) || return 1
    out=$(mktemp "$T/tcpcs.XXXXXX")
    ip netns exec "$NS" "$w" -w -N "$MARK" -s "$S" -r "$R" "$@" >"$out" &
    pid=$!
    BG+=("$pid")
    printf -v "$var" %s "$pid"
    wait_for "$pid" 1000 grep -qx ready "$out" || fail "tcpcs $* never got ready"
}

# on_port P: the lines whose LPORT or RPORT is P (text columns 4 and 6)
on_port() {
    awk -v p="$1" 'NR > 1 && ($4 == p || $6 == p)' "$OUT"
}

@test "N sessions: two lines each, with BCC's header, columns and byte counts" {
    local a
    start_trace
    sessions a -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    printf -v want '%-5s %-10.10s %s%-15s %-5s %-15s %-5s %5s %5s %s' PID COMM "" LADDR LPORT \
        RADDR RPORT TX_KB RX_KB MS
    assert_equal "$(head -1 "$OUT")" "$want"
    assert_equal "$(on_port "$PORT" | wc -l)" $((2 * N))
    assert_equal "$(on_port "$PORT" | awk -v p="$a" -v c="$MARK" '$1 == p && $2 == c' | wc -l)" $((2 * N))
    # the client ends: S bytes sent, R received; the server ends: the other way round
    assert_equal "$(on_port "$PORT" | awk -v p="$PORT" '$6 == p && $7 == 30 && $8 == 5' | wc -l)" "$N"
    assert_equal "$(on_port "$PORT" | awk -v p="$PORT" '$4 == p && $7 == 5 && $8 == 30' | wc -l)" "$N"
    # the exact layout: "%-5d %-10.10s %-15s %-5d %-15s %-5d %5d %5d %.2f"
    run grep -cE "^$(printf '%-5s %-10.10s %-15s %-5s %-15s %-5s %5s %5s' "$a" "$MARK" 127.0.0.1 "$PORT" 127.0.0.1 '[0-9]+ *' 5 30) [0-9]+\\.[0-9]{2}\$" "$OUT"
    assert_output "$N"
}

@test "-p keeps exactly the sessions of that process" {
    local a b
    sessions a -n "$N" -p "$PORT"
    sessions b -n "$N" -p "$PORT2"
    start_trace -p "$a"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(on_port "$PORT" | wc -l)" $((2 * N))
    run awk -v p="$a" 'NR > 1 && $1 != p' "$OUT"
    assert_output ""
}

@test "-L keeps the sessions of those local ports, -D those of the remote ports" {
    local a b
    start_trace -L "$PORT"
    sessions a -n "$N" -p "$PORT"
    sessions b -n "$N" -p "$PORT2"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(on_port "$PORT" | awk -v p="$PORT" '$4 == p && $7 == 5 && $8 == 30' | wc -l)" "$N"
    run awk -v p="$PORT" 'NR > 1 && $4 != p' "$OUT"
    assert_output ""

    start_trace -D "$PORT2,$PORT"
    sessions a -n "$N" -p "$PORT"
    sessions b -n "$N" -p "$PORT2"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(on_port "$PORT" | awk -v p="$PORT" '$6 == p && $7 == 30 && $8 == 5' | wc -l)" "$N"
    assert_equal "$(on_port "$PORT2" | awk -v p="$PORT2" '$6 == p && $7 == 30 && $8 == 5' | wc -l)" "$N"
    run awk -v p="$PORT" -v q="$PORT2" 'NR > 1 && $6 != p && $6 != q' "$OUT"
    assert_output ""
}

@test "-4 and -6 keep one family: 127.0.0.1 or ::1" {
    local a b
    start_trace -6
    sessions a -n "$N" -p "$PORT"
    sessions b -6 -n "$N" -p "$PORT"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(on_port "$PORT" | awk '$3 == "::1" && $5 == "::1"' | wc -l)" $((2 * N))
    run awk 'NR > 1 && $3 == "127.0.0.1"' "$OUT"
    assert_output ""

    start_trace -4
    sessions a -n "$N" -p "$PORT"
    sessions b -6 -n "$N" -p "$PORT"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(on_port "$PORT" | awk '$3 == "127.0.0.1" && $5 == "127.0.0.1"' | wc -l)" $((2 * N))
    run awk 'NR > 1 && $3 ~ /:/' "$OUT"
    assert_output ""
}

@test "-w, -s, -t and -T: BCC's wide, CSV and time columns" {
    local a
    start_trace -w -T -t
    sessions a -6 -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    printf -v want '%-8s %-9s %-5s %-16.16s %-2s %-26s %-5s %-26s %-5s %6s %6s %s' TIME 'TIME(s)' \
        PID COMM IP LADDR LPORT RADDR RPORT TX_KB RX_KB MS
    assert_equal "$(head -1 "$OUT")" "$want"
    run grep -cE "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]+\\.[0-9]{6} +$(printf '%-5s %-16.16s %-2s %-26s %-5s %-26s %-5s %6s %6s' "$a" "$MARK" 6 ::1 '[0-9]+ *' ::1 "$PORT" 30 5) [0-9]+\\.[0-9]{2}\$" "$OUT"
    assert_output "$N"

    start_trace -s -t -T
    sessions a -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "TIME,TIME(s),PID,COMM,IP,LADDR,LPORT,RADDR,RPORT,TX_KB,RX_KB,MS"
    run grep -cE "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9],[0-9]+\\.[0-9]{6},$a,$MARK,4,127\\.0\\.0\\.1,$PORT,127\\.0\\.0\\.1,[0-9]+,5,30,[0-9]+\\.[0-9]{2}\$" "$OUT"
    assert_output "$N"
}

@test "--json: one object per session, with the exact byte counts" {
    local a
    start_trace_json --json -L "$PORT,$PORT2"
    sessions a -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    # (the workload's own: another test's client may have drawn PORT as its ephemeral port)
    run jq -r 'select(.pid == '"$a"') | keys_unsorted | join(",")' "$OUT"
    assert_output "$(for ((i = 0; i < N; i++)); do echo ts,pid,comm,ip,laddr,lport,raddr,rport,tx_kb,rx_kb,ms,tx_bytes,rx_bytes; done)"
    # the kernel's counters include the FIN's sequence number: one byte more each way
    assert_equal "$(jq -c --argjson p "$PORT" --argjson a "$a" --arg c "$MARK" --argjson s $((S + 1)) --argjson r $((R + 1)) \
        'select(.lport == $p and .pid == $a and .comm == $c and .ip == 4 and .laddr == "127.0.0.1" and .tx_bytes == $r and .rx_bytes == $s and .tx_kb == 5 and .rx_kb == 30 and .ms >= 0)' "$OUT" | wc -l)" "$N"
}

# normalized P: on_port P's lines with the PID, the ports and the time made run-independent
normalized() {
    on_port "$1" | awk -v p="$1" -v a="$2" '{ print ($1 == a ? "A" : $1), $2, $3,
        ($4 == p ? "S" : "E"), $5, ($6 == p ? "S" : "E"), $7, $8 }' | sort
}

@test "the tracepoint method (tp_btf disabled) gives the same lines as tp_btf" {
    local a b
    run env BCCTOOL_DISABLE_ATTACH=tp_btf "$BCCTOOL" check tcplife
    assert_output --regexp '^tcplife +tracepoint$'
    BCCTOOL_DISABLE_ATTACH=tp_btf start_trace
    sessions a -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    local tp
    tp=$(normalized "$PORT" "$a")
    start_trace
    sessions b -n "$N" -p "$PORT2"
    go_workload "$b"
    stop_trace
    assert_equal "$(wc -l <<<"$tp")" $((2 * N))
    assert_equal "$(normalized "$PORT2" "$b")" "$tp"
}

@test "bad options: -4 with -6, a bad port list, a bad PID" {
    run_bct 2 tcplife -4 -6
    assert_output --partial "not allowed with"
    run_bct 2 tcplife -D 80,,81
    assert_output --partial "invalid remote port list"
    run_bct 2 tcplife -p x
    run_bct 2 tcplife extra
}
