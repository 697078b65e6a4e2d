#!/usr/bin/env bats
# bats file_tags=needs:bpf
# softirqslower against real soft interrupts: N UDP datagrams over loopback from a copy of the
# udploop workload under a name of this test's own, pinned to CPU 0. Each datagram raises
# NET_RX on the sending CPU, and the handler mostly runs in the sender's context (on leaving
# the bottom-half-disabled transmit path), so with min_us 0 the marked command shows both
# stages of net_rx. Other tests make softirqs too: only the marked lines are counted.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=100 # datagrams

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=sqs$$_$BATS_TEST_NUMBER
    cp "$(workload udploop)" "$T/$MARK"
}

teardown() {
    bg_kill
}

# udp: the marked sender, N datagrams, pinned to CPU 0
udp() {
    taskset -c 0 "$T/$MARK" -n "$N" || fail "udploop failed"
}

# marked STAGE: the marked text lines of net_rx at STAGE ("irq(hard) to softirq" or "softirq
# runtime"), as "LAT CPU" lines
marked() {
    awk -v stage="$1" -v mark="$MARK" '
        substr($0, 10, 20) == sprintf("%-20s", stage) && $NF == mark {
            n = split(substr($0, 31), f, " ")
            if (f[1] == "net_rx") print f[2], f[3]
        }' "$OUT"
}

@test "softirqslower: banner and BCC's header" {
    tracer_start softirqslower 2000000
    tracer_stop
    [ "$(sed -n 1p "$OUT")" = "Tracing softirq latency higher than 2000000 us... Hit Ctrl-C to end." ]
    [ "$(sed -n 2p "$OUT")" = "TIME     STAGE                SOFTIRQ  LAT(us)        CPU    COMM  " ]
}

@test "softirqslower: default bound is 10000 us" {
    tracer_start softirqslower
    tracer_stop
    [ "$(sed -n 1p "$OUT")" = "Tracing softirq latency higher than 10000 us... Hit Ctrl-C to end." ]
}

@test "softirqslower 0: loopback traffic shows net_rx in both stages, on the sender's CPU" {
    tracer_start softirqslower 0
    udp
    tracer_stop
    local wait run
    wait=$(marked "irq(hard) to softirq")
    run=$(marked "softirq runtime")
    echo "wait stage: $(echo "$wait" | grep -c .) lines; runtime stage: $(echo "$run" | grep -c .) lines"
    [ "$(echo "$wait" | grep -c .)" -ge 1 ]
    [ "$(echo "$run" | grep -c .)" -ge 1 ]
    # no more handler runs than datagrams could raise, each on CPU 0 where the sender runs
    [ "$(echo "$run" | grep -c .)" -le "$N" ]
    [ "$(echo "$wait" | grep -c .)" -le "$N" ]
    [ -z "$(printf '%s\n%s\n' "$wait" "$run" | awk 'NF && $2 != 0')" ]
    # every line is well formed: HH:MM:SS, a known stage, a number, a CPU
    run awk 'NR > 2 && !($1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ &&
        (substr($0, 10, 21) == "irq(hard) to softirq " || substr($0, 10, 21) == "softirq runtime      ") &&
        substr($0, 40, 15) ~ /^[0-9]+ *$/ && substr($0, 55, 7) ~ /^[0-9]+ *$/)' "$OUT"
    [ -z "$output" ] || fail "malformed lines: $output"
}

@test "softirqslower -c: only the chosen CPU" {
    [ "$(nproc)" -ge 2 ] || skip "needs two CPUs to exclude one"
    tracer_start softirqslower -c 1 0
    udp
    tracer_stop
    [ -z "$(marked "softirq runtime")" ] || fail "CPU 0's softirqs shown with -c 1"
    [ -z "$(marked "irq(hard) to softirq")" ] || fail "CPU 0's softirqs shown with -c 1"
    run awk 'NR > 2 && substr($0, 55, 7) + 0 != 1' "$OUT"
    [ -z "$output" ] || fail "lines of another CPU: $output"

    tracer_start softirqslower -c 0 0
    udp
    tracer_stop
    [ -n "$(marked "softirq runtime")" ]
    run awk 'NR > 2 && substr($0, 55, 7) + 0 != 0' "$OUT"
    [ -z "$output" ] || fail "lines of another CPU: $output"
}

@test "softirqslower min_us: a high bound keeps the marked stages out" {
    tracer_start softirqslower 5000000
    udp
    tracer_stop
    [ "$(wc -l <"$OUT")" -eq 2 ] || fail "stages of 5 s or more: $(tail -n +3 "$OUT")"
}

@test "softirqslower --json: one object per stage, agreeing with the lat_us rule" {
    command -v jq >/dev/null || skip "jq is not installed"
    tracer_start softirqslower --json 0
    udp
    tracer_stop
    run jq -e -s --arg m "$MARK" '
        [.[] | select(.comm == $m and .softirq == "net_rx")] as $e
        | ($e | map(select(.stage == "softirq runtime")) | length) >= 1
          and ($e | map(select(.stage == "irq(hard) to softirq")) | length) >= 1
          and ($e | all(.cpu == 0))
          and (map(.lat_us == (.lat_ns / 1000 | floor)) | all)
          and (map(keys == ["comm", "cpu", "lat_ns", "lat_us", "softirq", "stage", "time"]) | all)' "$OUT"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "softirqslower: bad arguments exit 2" {
    run_bct 2 softirqslower -x
    run_bct 2 softirqslower abc
    [[ "$output" == *"argument min_us: invalid int value: 'abc'"* ]]
    run_bct 2 softirqslower 1 2
    run_bct 2 softirqslower -c x
}
