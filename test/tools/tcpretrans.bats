#!/usr/bin/env bats
# bats file_tags=needs:bpf
# tcpretrans with real retransmits: test/workloads/tcploss connects one session on loopback
# inside a network namespace of the test's own, drops every packet on its lo (TCX ingress) for
# a while, sends 100 bytes and reads them once the drop stops; the client retransmits. The
# workload prints how much the namespace's RetransSegs counter grew: the tracer must show
# exactly that many lines for the session's port. Ports 47xxx are this file's.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    BG=()
    net_ns tcpr
    PORT=$((47000 + BATS_TEST_NUMBER * 2))
}

teardown() {
    bg_kill
    net_ns_del
}

# loss ARGS...: one session with lost packets; sets RETRANS to the kernel's count.
loss() {
    local w out
    w=$(workload tcploss)
    out=$(ip netns exec "$NS" "$w" -p "$PORT" "$@" retrans) || fail "tcploss failed: $out"
    echo "workload: $out"
    RETRANS=${out#retrans }
    [ "$RETRANS" -ge 1 ] || fail "the workload made no retransmit"
}

@test "tcpretrans: each retransmit of the session, with BCC's columns" {
    tracer_start tcpretrans
    loss
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing retransmits ... Hit Ctrl-C to end" ]
    [ "$(sed -n 2p "$OUT")" = "TIME     PID     IP LADDR:LPORT          T> RADDR:RPORT          STATE" ]
    run grep -cE "^[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9 ]{7} 4  127\.0\.0\.1:[0-9]+ +R> 127\.0\.0\.1:$PORT +ESTABLISHED$" "$OUT"
    [ "$output" -eq "$RETRANS" ]
    # the address column is BCC's %-20s
    grep " R> 127.0.0.1:$PORT " "$OUT" | head -1 | grep -qE '^.{20}127\.0\.0\.1:[0-9]+ +R>'
    [ "$(grep -c ":$PORT " "$OUT")" -eq "$RETRANS" ]
}

@test "tcpretrans -s: the state padded to 12 and the sequence number" {
    tracer_start tcpretrans -s
    loss
    tracer_stop
    cat -A "$OUT"
    [ "$(sed -n 2p "$OUT")" = "TIME     PID     IP LADDR:LPORT          T> RADDR:RPORT          STATE        SEQ       " ]
    run grep -cE " R> 127\.0\.0\.1:$PORT +ESTABLISHED  [0-9]+$" "$OUT"
    [ "$output" -eq "$RETRANS" ]
    # every retransmit of the one unacknowledged segment has its sequence number
    [ "$(grep ":$PORT " "$OUT" | awk '{print $NF}' | sort -u | wc -l)" -eq 1 ]
}

@test "tcpretrans -6 shows the IPv6 session; -4 leaves it out" {
    tracer_start tcpretrans -6
    loss -6
    tracer_stop
    cat "$OUT"
    run grep -cE " 6  ::1:[0-9]+ +R> ::1:$PORT +ESTABLISHED$" "$OUT"
    [ "$output" -eq "$RETRANS" ]

    tracer_start tcpretrans -4
    loss -6
    PORT=$((PORT + 1)) loss
    tracer_stop
    cat "$OUT"
    [ "$(grep -c "::1:$PORT " "$OUT")" -eq 0 ]
    [ "$(grep -c "127.0.0.1:$((PORT + 1)) " "$OUT")" -ge 1 ]
}

@test "tcpretrans -c: one row per flow with its count, at Ctrl-C" {
    tracer_start tcpretrans -c
    loss
    tracer_stop
    cat -A "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing retransmits ... Hit Ctrl-C to end" ]
    [ -z "$(sed -n 2p "$OUT")" ]
    [ "$(sed -n 3p "$OUT")" = "LADDR:LPORT               RADDR:RPORT               RETRANSMITS" ]
    run grep -cE "^\[127\.0\.0\.1\]#[0-9]+ +<-> \[127\.0\.0\.1\]#$PORT +$RETRANS$" "$OUT"
    [ "$output" -eq 1 ]
    grep "#$PORT " "$OUT" | grep -qE "^.{20} <-> .{20} {1,10}$RETRANS$"
}

@test "tcpretrans --json: one object per retransmit, agreeing with the counter" {
    tracer_start tcpretrans --json
    loss
    tracer_stop
    cat "$OUT"
    run sh -c "jq -c 'select(.rport == $PORT)' '$OUT' | wc -l"
    [ "$output" -eq "$RETRANS" ]
    run jq -e -s "map(select(.rport == $PORT)) | all(.ip == 4 and .laddr == \"127.0.0.1\" and
        .raddr == \"127.0.0.1\" and .type == \"R\" and .state == \"ESTABLISHED\" and
        (.lport | type) == \"number\" and (.seq | type) == \"number\" and (.pid | type) == \"number\" and
        (.time | test(\"^[0-9]{2}:[0-9]{2}:[0-9]{2}$\")))" "$OUT"
    [ "$status" -eq 0 ]

    tracer_start tcpretrans -c --json
    PORT=$((PORT + 1)) loss
    tracer_stop
    cat "$OUT"
    run jq -e -s "map(select(.rport == $((PORT + 1)))) | length == 1 and .[0].retransmits == $RETRANS and .[0].ip == 4" "$OUT"
    [ "$status" -eq 0 ]
}

@test "tcpretrans: the raw_tp and tracepoint methods show the session's retransmits" {
    local method disable n
    for method in raw_tp tracepoint; do
        disable=tp_btf
        [ "$method" = raw_tp ] || disable=tp_btf,raw_tp
        BCCTOOL_DISABLE_ATTACH=kprobe,$disable BCCTOOL_LOG=debug tracer_start tcpretrans
        loss
        sleep 0.1
        kill -INT "$TRACER"
        wait "$TRACER" || fail "tcpretrans ($method) exited $?"
        cat "$OUT" "$ERR"
        grep -q "attaching with $method" "$ERR" || fail "not attached with $method"
        n=$(grep -c " R> 127.0.0.1:$PORT " "$OUT")
        if [ "$method" = raw_tp ]; then
            [ "$n" -eq "$RETRANS" ] || fail "raw_tp: $n of $RETRANS retransmits"
        else
            # the kernel skips a perf-event tracepoint's program while any kprobe or tracepoint
            # program or a bpf() map call runs on the CPU (other tests' tracers): at most all
            [ "$n" -ge 1 ] && [ "$n" -le "$RETRANS" ] || fail "tracepoint: $n of $RETRANS retransmits"
        fi
        PORT=$((PORT + 1))
    done
}

@test "tcpretrans -l: no kprobes here, one line and exit 1" {
    # the engine's own probe of the kernel: is the -l variant's kprobe available?
    "$BCCTOOL" check tcpretrans | grep -q '^tcpretrans -l  *unavailable' ||
        skip "this kernel can attach the kprobe on tcp_send_loss_probe: -l works"
    run_bct 1 tcpretrans -l
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"-l needs a kprobe on tcp_send_loss_probe"* ]]
}

@test "tcpretrans: bad options exit 2" {
    run_bct 2 tcpretrans -4 -6
    [[ "$output" == *"not allowed with argument -4/--ipv4"* ]]
    run_bct 2 tcpretrans -x
    run_bct 2 tcpretrans 5
}
