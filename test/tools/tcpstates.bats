#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcpstates with real TCP sessions: test/workloads/tcpcs makes N sessions on loopback, to a
# port of the test's own, inside a network namespace the test creates (removed in teardown),
# so only its sessions use that port. One session is 10 state changes (5 per end: the client
# closes first) and the listener adds 2: each test counts the lines of its ports. Ports
# 41xxx are this file's (tcplife.bats uses 42xxx; files run in parallel).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=5

setup() {
    require_bpf
    command -v ip >/dev/null || skip "ip (iproute2) is not installed"
    T=$BATS_TEST_TMPDIR
    BG=()
    NS=bct_tcps_$$_$BATS_TEST_NUMBER
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    PORT=$((41000 + BATS_TEST_NUMBER * 2))
    PORT2=$((PORT + 1))
}

teardown() {
    bg_kill
    ip netns del "$NS" 2>/dev/null || true
}

start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool tcpstates $*"
    "$BCCTOOL" tcpstates "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header from the tracer"; }
}

# start_trace_json ARGS...: as start_trace for --json, which has no header: makes one session
# on PORT2 at a time until the tracer shows it (ARGS must let PORT2 through).
start_trace_json() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool tcpstates $*"
    "$BCCTOOL" tcpstates "$@" >"$OUT" 2>"$ERR" &
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
    [ "$rc" -eq 0 ] || fail "tcpstates exited $rc"
    [ ! -s "$ERR" ] || fail "tcpstates wrote to stderr: $(cat "$ERR")"
}

# sessions VAR ARGS...: tcpcs ARGS in the namespace, waiting for go_workload; its PID in VAR.
sessions() {
    local var=$1 w out pid
    shift
    w=$(workload tcpcs) || return 1
    out=$(mktemp "$T/tcpcs.XXXXXX")
    ip netns exec "$NS" "$w" -w "$@" >"$out" &
    pid=$!
    BG+=("$pid")
    printf -v "$var" %s "$pid"
    wait_for "$pid" 1000 grep -qx ready "$out" || fail "tcpcs $* never got ready"
}

# on_port P [FILE]: the lines whose LPORT or RPORT is P (text columns 5 and 7)
on_port() {
    awk -v p="$1" 'NR > 1 && ($5 == p || $7 == p)' "${2:-$OUT}"
}

# count_change P OLD NEW: lines of port P changing from OLD to NEW
count_change() {
    on_port "$1" | awk -v o="$2" -v n="$3" '$8 == o && $10 == n' | wc -l
}

@test "N sessions: every state change, with BCC's header and columns" {
    local a
    start_trace
    sessions a -n "$N" -p "$PORT" -s 1000
    go_workload "$a"
    stop_trace
    printf -v want '%-16s %-5s %-10.10s %s%-15s %-5s %-15s %-5s %-11s -> %-11s %s' SKADDR C-PID \
        C-COMM "" LADDR LPORT RADDR RPORT OLDSTATE NEWSTATE MS
    assert_equal "$(head -1 "$OUT")" "$want"
    assert_equal "$(on_port "$PORT" | wc -l)" $((10 * N + 2))
    assert_equal "$(count_change "$PORT" CLOSE LISTEN)" 1
    assert_equal "$(count_change "$PORT" LISTEN CLOSE)" 1
    assert_equal "$(count_change "$PORT" CLOSE SYN_SENT)" "$N"
    assert_equal "$(count_change "$PORT" SYN_SENT ESTABLISHED)" "$N"
    assert_equal "$(count_change "$PORT" LISTEN SYN_RECV)" "$N"
    assert_equal "$(count_change "$PORT" SYN_RECV ESTABLISHED)" "$N"
    assert_equal "$(count_change "$PORT" ESTABLISHED FIN_WAIT1)" "$N"
    assert_equal "$(count_change "$PORT" FIN_WAIT1 FIN_WAIT2)" "$N"
    assert_equal "$(count_change "$PORT" FIN_WAIT2 CLOSE)" "$N"
    assert_equal "$(count_change "$PORT" ESTABLISHED CLOSE_WAIT)" "$N"
    assert_equal "$(count_change "$PORT" CLOSE_WAIT LAST_ACK)" "$N"
    assert_equal "$(count_change "$PORT" LAST_ACK CLOSE)" "$N"
    # the server ends: local port PORT, remote 127.0.0.1 and an ephemeral port
    assert_equal "$(on_port "$PORT" | awk -v p="$PORT" '$4 == "127.0.0.1" && $5 == p && $6 == "127.0.0.1" && $7 > 1023' | wc -l)" $((5 * N))
    # the exact layout of a client's connect: "%-16x %-5d %-10.10s %-15s %-5d %-15s %-5d %-11s -> %-11s %.3f"
    run grep -cE "^[0-9a-f]{16} [0-9 ]{5} .{10} $(printf '%-15s %-5s %-15s %-5s %-11s -> %-11s' 127.0.0.1 0 127.0.0.1 "$PORT" CLOSE SYN_SENT) 0\\.000\$" "$OUT"
    assert_output "$N"
    # the time in the old state: milliseconds with three decimals
    run awk 'NR > 1 && $NF !~ /^[0-9]+\.[0-9][0-9][0-9]$/' "$OUT"
    assert_output ""
}

@test "-L keeps exactly the sockets of those local ports; -D those of the remote ports" {
    local a b
    start_trace -L "$PORT"
    sessions a -n "$N" -p "$PORT"
    sessions b -n "$N" -p "$PORT2"
    go_workload "$a" "$b"
    stop_trace
    # the listener and the server ends
    assert_equal "$(on_port "$PORT" | wc -l)" $((5 * N + 2))
    run awk -v p="$PORT" 'NR > 1 && $5 != p' "$OUT"
    assert_output ""

    start_trace -L "$PORT2,$PORT"
    sessions a -n "$N" -p "$PORT"
    sessions b -n "$N" -p "$PORT2"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(on_port "$PORT" | wc -l)" $((5 * N + 2))
    assert_equal "$(on_port "$PORT2" | wc -l)" $((5 * N + 2))

    start_trace -D "$PORT"
    sessions a -n "$N" -p "$PORT"
    sessions b -n "$N" -p "$PORT2"
    go_workload "$a" "$b"
    stop_trace
    # the client ends only, their connect included
    assert_equal "$(on_port "$PORT" | wc -l)" $((5 * N))
    assert_equal "$(count_change "$PORT" CLOSE SYN_SENT)" "$N"
    run awk -v p="$PORT" 'NR > 1 && $7 != p' "$OUT"
    assert_output ""
}

@test "-4 and -6 keep one family: 127.0.0.1 or ::1" {
    local a b
    start_trace -6
    sessions a -n "$N" -p "$PORT"
    sessions b -6 -n "$N" -p "$PORT"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(on_port "$PORT" | wc -l)" $((10 * N + 2))
    assert_equal "$(on_port "$PORT" | awk '$4 == "::1"' | wc -l)" $((10 * N + 2))
    run awk 'NR > 1 && $4 == "127.0.0.1"' "$OUT"
    assert_output ""

    start_trace -4
    sessions a -n "$N" -p "$PORT"
    sessions b -6 -n "$N" -p "$PORT"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(on_port "$PORT" | wc -l)" $((10 * N + 2))
    assert_equal "$(on_port "$PORT" | awk '$4 == "127.0.0.1"' | wc -l)" $((10 * N + 2))
    run awk 'NR > 1 && $4 ~ /:/' "$OUT"
    assert_output ""
}

@test "-w, -s, -t and -T: BCC's wide, CSV and time columns" {
    local a
    start_trace -w -T -t
    sessions a -6 -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    printf -v want '%-8s %-9s %-16s %-5s %-16.16s %-2s %-26s %-5s %-26s %-5s %-11s -> %-11s %s' TIME \
        'TIME(s)' SKADDR C-PID C-COMM IP LADDR LPORT RADDR RPORT OLDSTATE NEWSTATE MS
    assert_equal "$(head -1 "$OUT")" "$want"
    run grep -cE "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]+\\.[0-9]{6} +[0-9a-f]{16} [0-9 ]{5} .{16} 6  $(printf '%-26s %-5s %-26s %-5s %-11s -> %-11s' ::1 "$PORT" ::1 '[0-9]+ *' SYN_RECV ESTABLISHED) [0-9]+\\.[0-9]{3}\$" "$OUT"
    assert_output "$N"

    start_trace -s -t -T
    sessions a -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "TIME,TIME(s),SKADDR,C-PID,C-COMM,IP,LADDR,LPORT,RADDR,RPORT,OLDSTATE,NEWSTATE,MS"
    run grep -cE "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9],[0-9]+\\.[0-9]{6},[0-9a-f]{16},[0-9]+,[^,]*,4,127\\.0\\.0\\.1,$PORT,127\\.0\\.0\\.1,[0-9]+,SYN_RECV,ESTABLISHED,[0-9]+\\.[0-9]{3}\$" "$OUT"
    assert_output "$N"
}

@test "--json: one object per change, agreeing with the text" {
    local a
    start_trace_json --json -L "$PORT,$PORT2"
    sessions a -n "$N" -p "$PORT"
    go_workload "$a"
    stop_trace
    run jq -e -s 'all(.[]; has("skaddr") and has("pid") and has("comm") and has("ip") and has("laddr") and has("lport") and has("raddr") and has("rport") and has("oldstate") and has("newstate") and has("ms") and has("ts"))' "$OUT"
    assert_success
    assert_equal "$(jq -c --argjson p "$PORT" 'select(.lport == $p)' "$OUT" | wc -l)" $((5 * N + 2))
    assert_equal "$(jq -c --argjson p "$PORT" 'select(.lport == $p and .oldstate == "LISTEN" and .newstate == "SYN_RECV" and .ip == 4 and .laddr == "127.0.0.1" and (.skaddr | test("^[0-9a-f]+$")))' "$OUT" | wc -l)" "$N"
}

@test "bad options: -4 with -6, a bad port list, -Y without a journal" {
    run_bct 2 tcpstates -4 -6
    assert_output --partial "not allowed with"
    run_bct 2 tcpstates -L 80,x
    assert_output --partial "invalid local port list"
    run_bct 2 tcpstates -D 70000
    run_bct 2 tcpstates extra
    if [ ! -S /run/systemd/journal/socket ]; then
        run_bct 1 tcpstates -Y
        assert_output "ERROR: Journal logging requires the systemd.journal module"
    fi
}
