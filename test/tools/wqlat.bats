#!/usr/bin/env bats
# bats file_tags=needs:bpf
# wqlat against a known workload: a loop device of the test's own queues one work item on its
# own workqueue (named after it, "loopN") per request, and direct_io (helpers) makes an exact
# number of 4 KiB O_DIRECT requests, one at a time, checked in the device's stat. So the loopN
# histogram counts exactly that many latencies; other workqueues are never counted here.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
NR=40 # reads
NW=25 # writes

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
}

teardown() {
    bg_kill
    loop_dev_detach
}

# dev: the loop device, and udev done probing it (its reads would count too)
dev() {
    loop_dev
    command -v udevadm >/dev/null && udevadm settle -t 5 2>/dev/null || true
}

# start_wq ARGS...: "bcctool wqlat ARGS" in the background; $OUT, $ERR, $PID. Returns once
# attached: the banner, or for JSON the 2 BPF links.
start_wq() {
    local i links
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/wq.$SEQ.out
    ERR=$T/wq.$SEQ.err
    echo "\$ bcctool wqlat $*"
    "$BCCTOOL" wqlat "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    BG+=("$PID")
    for ((i = 0; i < 3000; i++)); do
        if [[ " $* " == *" --json "* ]]; then
            links=$(ls -l "/proc/$PID/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge 2 ] && return 0
        elif grep -q '^Tracing work queue' "$OUT" 2>/dev/null; then
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$ERR" >&2; fail "wqlat $* exited early"; }
        sleep 0.01
    done
    fail "wqlat $* never got ready"
}

stop_wq() {
    local rc=0
    kill -INT "$PID"
    wait "$PID" || rc=$?
    echo "--- wqlat (exit $rc):"
    cat "$OUT"
    echo "--- stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "wqlat exited $rc"
    run grep -v 'missed' "$ERR"
    [ -z "$output" ] || fail "wqlat wrote to stderr: $output"
}

# hist_sum FILE [NAME]: the sum of the counts of the histogram rows, of section "wqname = NAME"
# only when given
hist_sum() {
    awk -v n="${2-}" '
        /^wqname = / { insec = (n == "" || $0 == "wqname = " n); next }
        / -> .* : / { if (n == "" || insec) { split($0, a, ":"); split(a[2], b, " "); s += b[1] } }
        END { print s + 0 }' "$1"
}

@test "wqlat -W: a histogram per workqueue; the loop device's counts its requests exactly" {
    dev
    start_wq -W
    direct_io "$NR" "$NW"
    stop_wq
    [ "$(sed -n 1p "$OUT")" = "Tracing work queue request latency time... Hit Ctrl-C to end." ]
    [ "$(grep -c "^wqname = $DISK\$" "$OUT")" -eq 1 ]
    [ "$(hist_sum "$OUT" "$DISK")" -eq $((NR + NW)) ]
    grep -q '^     usecs               : count     distribution$' "$OUT"
    # sections sorted by name
    [ "$(grep '^wqname = ' "$OUT")" = "$(grep '^wqname = ' "$OUT" | LC_ALL=C sort)" ]
}

@test "wqlat -w: that workqueue only, one histogram without a section line; -N in nsecs" {
    dev
    start_wq -w "$DISK"
    direct_io "$NR" "$NW"
    stop_wq
    ! grep -q '^wqname = ' "$OUT"
    [ "$(hist_sum "$OUT")" -eq $((NR + NW)) ]

    start_wq -N -W -w "$DISK"
    direct_io "$NR" 0
    stop_wq
    [ "$(grep '^wqname = ' "$OUT")" = "wqname = $DISK" ]
    [ "$(hist_sum "$OUT" "$DISK")" -eq "$NR" ]
    grep -q '^     nsecs               : count     distribution$' "$OUT"
}

@test "wqlat --json -W -w: one object for the workqueue, counts as the requests" {
    command -v jq >/dev/null || skip "jq is not installed"
    dev
    start_wq --json -W -w "$DISK"
    direct_io "$NR" "$NW"
    stop_wq
    [ "$(wc -l <"$OUT")" -eq 1 ]
    [ "$(jq -r '.wqname' "$OUT")" = "$DISK" ]
    [ "$(jq -r '.val_type' "$OUT")" = usecs ]
    [ "$(jq '[.data[].count] | add' "$OUT")" -eq $((NR + NW)) ]
}

@test "wqlat -T interval count: ends by itself after count intervals, each with a time" {
    run timeout 20 "$BCCTOOL" wqlat -T 1 2
    [ "$status" -eq 0 ]
    [ "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' <<<"$output")" -eq 2 ]
}

@test "wqlat: a name of 24 characters is BCC's error; bad arguments are usage errors" {
    run "$BCCTOOL" wqlat -w 123456789012345678901234
    [ "$status" -eq 255 ]
    [ "$output" = "workqueue name len must be less than 24" ]
    run "$BCCTOOL" wqlat x
    [ "$status" -eq 2 ]
    run "$BCCTOOL" wqlat 1 2 3
    [ "$status" -eq 2 ]
    run "$BCCTOOL" wqlat --ebpf -N -W -w kblockd
    [ "$status" -eq 0 ]
    [[ "$output" == *"#define WQLAT_FACTOR 1"* ]]
    [[ "$output" == *"#define WQLAT_NAME0 0x"* ]]
}
