#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcpsubnet with real TCP sends: test/workloads/tcpto, in the test's own network namespace
# with documentation addresses (198.51.100.7, 203.0.113.9: no other test or service sends to
# them) on its lo, sends a known number of bytes to each. The tracer's interval is 10 seconds
# and it is stopped (SIGINT: it prints the interval so far) after the sends, so each subnet's
# bytes fall in that one interval; the subnets given are only these, so nothing else counts.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
A=198.51.100.7
B=203.0.113.9
NETS=198.51.100.0/24,203.0.113.0/24

setup() {
    require_bpf
    BG=()
    net_ns bct_tsub
    ip -n "$NS" addr add "$A/32" dev lo || fail "cannot add $A"
    ip -n "$NS" addr add "$B/32" dev lo || fail "cannot add $B"
}

teardown() {
    bg_kill
    net_ns_del
}

# sends ARGS...: tcpto's sends, started once the tracer is attached
sends() {
    local tw
    ns_workload tw tcpto "$@"
    kill -USR1 "$tw"
    wait "$tw" || fail "tcpto failed"
}

@test "bytes to two subnets, counted exactly per subnet, most first, in BCC's layout" {
    tracer_start tcpsubnet -i 10 "$NETS"
    sends "$B:5501:100000" "$A:5502:300000" "$B:5503:23"
    tracer_stop
    cat "$OUT"
    assert_equal "$(head -1 "$OUT")" "Tracing... Output every 10 secs. Hit Ctrl-C to end"
    run grep -cE '^\[[0-9]{2}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "$OUT"
    assert_output 1
    # BCC's "%-21s %6d", sorted by bytes
    assert_equal "$(tail -n +3 "$OUT")" "198.51.100.0/24       300000
203.0.113.0/24        100023"
}

@test "the first subnet holding the address takes it; masks; -f b, K and M" {
    tracer_start tcpsubnet -f K -i 10 198.51.100.0/25,198.51.100.7/32,203.0.113.8/30
    sends "$A:5504:300000" "$B:5505:100000"
    tracer_stop
    cat "$OUT"
    # 300000 / 1024 = 292.97 and 100000 / 1024 = 97.66, printed with %d
    assert_equal "$(tail -n +3 "$OUT")" "198.51.100.0/25          292
203.0.113.8/30            97"

    tracer_start tcpsubnet -f b -i 10 "$NETS"
    sends "$A:5506:1000"
    tracer_stop
    assert_equal "$(tail -n +3 "$OUT")" "198.51.100.0/24         8000"

    # -f M: under a megabyte prints 0; a subnet that sent nothing has no line
    tracer_start tcpsubnet -f M -i 10 "$NETS"
    sends "$A:5507:1000"
    tracer_stop
    assert_equal "$(tail -n +3 "$OUT")" "198.51.100.0/24            0"
}

@test "-J and --json: BCC's object per interval, values as Python prints them" {
    # -J prints no banner: the tracer is attached once it holds its BPF link
    OUT=$BATS_TEST_TMPDIR/j.out ERR=$BATS_TEST_TMPDIR/j.err
    "$BCCTOOL" tcpsubnet -J -f K -i 10 "$NETS" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 has_bpf_links "$TRACER" || fail "the tracer never attached: $(cat "$ERR")"
    sends "$A:5508:3000" "$B:5509:1024"
    tracer_stop
    cat "$OUT"
    run grep -cv '^{' "$OUT"
    assert_output 0
    run tail -1 "$OUT"
    assert_output --regexp '^\{"date": "[0-9]{2}/[0-9]{2}/[0-9]{2}", "time": "[0-9]{2}:[0-9]{2}:[0-9]{2}", "entries": \{"198\.51\.100\.0/24": 2\.9296875, "203\.0\.113\.0/24": 1\.0\}\}$'
    tail -1 "$OUT" | jq -e '.entries["198.51.100.0/24"] == 2.9296875'

    tracer_start tcpsubnet --json -i 10 "$NETS"
    sends "$B:5510:777"
    tracer_stop
    run jq -c '.entries' <(tail -1 "$OUT")
    assert_output '{"203.0.113.0/24":777}'
}

@test "bad arguments: BCC's messages; exit 1 for a bad subnet or interval, 2 for usage" {
    run_bct 1 tcpsubnet 10.0.0.0
    assert_output --partial "Subnet [10.0.0.0] is invalid, please refer to the examples."
    run_bct 1 tcpsubnet 10.0.0.300/8
    assert_output --partial "Invalid net address in subnet [10.0.0.300/8]"
    run_bct 1 tcpsubnet 10.0.0.0/x
    assert_output --partial "Invalid mask in subnet [10.0.0.0/x]. Mask must be an int"
    run_bct 1 tcpsubnet 10.0.0.0/33
    assert_output --partial "Must be an int between 0 and 32."
    run_bct 1 tcpsubnet -i 0
    assert_output --partial "Invalid interval, must be > 0. Exiting."
    run_bct 2 tcpsubnet -f x
    assert_output --partial "invalid choice: 'x'"
    run_bct 2 tcpsubnet -i x
    run_bct 2 tcpsubnet 10.0.0.0/8 extra
}

@test "-v: BCC's debug lines on stderr" {
    run_bct 0 tcpsubnet -v --ebpf 10.1.0.0/16
    assert_output --partial "DEBUG:root:[['10.1.0.0/16', 167837696, 4294901760]]"
}
