#!/usr/bin/env bats
# bats file_tags=needs:bpf
# runqlen against a known load: K spinner processes pinned to CPU 0 spin at once while the
# tracer takes one 1-second interval, so CPU 0's CFS run queue holds at least K
# runnable tasks, one running: a length of K-1 or more in every sample (K is above what the
# shared test machine queues alone, so the test fails when the spinners are not counted).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
K=8
SPIN=60000 # ms at most: the spinners are killed once the tracer is done

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

# spin_cpu0: K spinners pinned to CPU 0, spinning (PIDs in SPINNERS); returns once they spin
spin_cpu0() {
    local i pids=() sp
    for ((i = 0; i < K; i++)); do
        bg_workload sp spinner spin "$SPIN"
        taskset -pc 0 "$sp" >/dev/null || fail "cannot pin $sp to CPU 0"
        pids+=("$sp")
    done
    kill -USR1 "${pids[@]}"
    SPINNERS=("${pids[@]}")
}

# spin_trace ARGS...: "bcctool runqlen ARGS 1 1" while K spin on CPU 0; output in $OUT
spin_trace() {
    spin_cpu0
    OUT=$BATS_TEST_TMPDIR/runqlen.out
    echo "\$ bcctool runqlen $* 1 1"
    timeout -s INT 60 "$BCCTOOL" runqlen "$@" 1 1 >"$OUT" || fail "runqlen $* 1 1 failed"
    kill "${SPINNERS[@]}"
    cat "$OUT"
}

# cpu0_counts FILE: "samples long" of CPU 0's histogram in the -C text FILE (long: K-1 or more)
cpu0_counts() {
    awk -v min=$((K - 1)) '
        /^cpu = / { cpu = $3; next }
        cpu == "0" && $2 == ":" && $1 ~ /^[0-9]+$/ { all += $3; if ($1 >= min) long += $3 }
        END { print all + 0, long + 0 }' "$1"
}

@test "runqlen -C: CPU 0 holds K-1 queued tasks in most samples while K spin there" {
    spin_trace -C
    [ "$(head -1 "$OUT")" = "Sampling run queue length... Hit Ctrl-C to end." ]
    grep -qx 'cpu = 0' "$OUT"
    grep -qx '     runqlen       : count     distribution' "$OUT"
    # every row: BCC's linear histogram row
    run grep -E '^ +[0-9]+ +:' "$OUT"
    [ "$status" -eq 0 ]
    ! grep -E '^ +[0-9]+ +:' "$OUT" | grep -vE '^        [0-9 ]{10} : [0-9 ]{8} \|[* ]{40}\|$'
    read -r all long < <(cpu0_counts "$OUT")
    echo "CPU 0: $all samples, $long with length >= $((K - 1))"
    # 99 Hz for one second
    [ "$all" -ge 80 ] && [ "$all" -le 120 ]
    [ $((long * 2)) -gt "$all" ]
}

@test "runqlen -O -C: CPU 0's occupancy is above 50% while K spin there" {
    spin_trace -O -C
    grep -E '^runqocc, CPU 0   +[0-9]+\.[0-9]{2}%$' "$OUT"
    local occ
    occ=$(awk '/^runqocc, CPU 0 / { sub(/%/, "", $4); print int($4) }' "$OUT")
    [ "$occ" -gt 50 ]
    # as BCC: a line for every CPU from 0 up to the highest one sampled, in order (a vCPU the
    # host did not run during the second has no sample, so the highest may be below nproc)
    run awk '/^runqocc, CPU / { if ($3 != n++) bad = 1 } END { exit bad || n < 1 || n > nproc }' \
        nproc="$(nproc)" "$OUT"
    assert_success
}

@test "runqlen -O: one system-wide line" {
    run_bct runqlen -O 1 1
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "Sampling run queue length... Hit Ctrl-C to end." ]
    [[ "${lines[1]}" =~ ^runqocc:\ [0-9]+\.[0-9]{2}%$ ]]
    [ "${#lines[@]}" -eq 2 ]
}

@test "runqlen -T 1 1: one interval with its time, then exit 0" {
    run_bct runqlen -T 1 1
    [ "$status" -eq 0 ]
    [[ "${lines[1]}" =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}$ ]]
    [ "${lines[2]}" = "     runqlen       : count     distribution" ]
    [[ "${lines[3]}" =~ ^\ {8}0\ {10}:\ [0-9] ]]
}

@test "runqlen --json -C: per-CPU objects agree with the load" {
    spin_trace --json -C
    jq -e . "$OUT" >/dev/null
    [ "$(jq -s 'map(select(.cpu == 0)) | length' "$OUT")" -eq 1 ]
    local all long
    all=$(jq -s 'map(select(.cpu == 0))[0].data | map(.count) | add' "$OUT")
    long=$(jq -s --argjson m $((K - 1)) \
        'map(select(.cpu == 0))[0].data | map(select(.runqlen >= $m).count) | add // 0' "$OUT")
    echo "CPU 0: $all samples, $long long"
    [ "$all" -ge 80 ] && [ "$all" -le 120 ]
    [ $((long * 2)) -gt "$all" ]
    jq -e 'has("ts") and (.data | type == "array")' "$OUT" >/dev/null
}

@test "runqlen --json -O -C: runqocc of CPU 0 above 50" {
    spin_trace --json -O -C
    jq -e -s 'map(select(.cpu == 0))[0] | .runqocc > 50 and .samples >= 80 and .samples <= 120' "$OUT"
}

@test "runqlen: bad options exit 2" {
    run_bct 2 runqlen -x
    run_bct 2 runqlen notanumber
    run_bct 2 runqlen 1 2 3
}
