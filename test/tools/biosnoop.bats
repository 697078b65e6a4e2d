#!/usr/bin/env bats
# bats file_tags=needs:bpf
# biosnoop against real I/O. Each test makes its own block device (a loop device with direct
# I/O over a file in its temp dir), issues a known number of O_DIRECT 4 KiB reads and writes
# to it with dd, one at a time (direct_io checks in /sys/block/loopN/stat that the device saw
# exactly those requests, none merged), and checks the lines the tracer printed for that disk.
# Tracers run in the background; teardown kills what a failed test left running and detaches
# the loop device.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
NR=12 # reads: sectors 0, 8, 16, ...
NW=20 # writes: sectors 2048, 2056, ...
HEADER='TIME(s)     COMM           PID     DISK      T SECTOR     BYTES  LAT(ms)'

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    LOOP=
    loop_dev
}

teardown() {
    bg_kill
    loop_dev_detach
}

# start_snoop ARGS...: "bcctool biosnoop ARGS" in the background; output in $OUT, $ERR, PID
# in $PID. Returns once attached: the header is out, or (--json) the process holds 3 links.
start_snoop() {
    local i links
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/snoop.$SEQ.out
    ERR=$T/snoop.$SEQ.err
    echo "\$ bcctool biosnoop $*"
    "$BCCTOOL" biosnoop "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    BG+=("$PID")
    for ((i = 0; i < 3000; i++)); do
        if [[ " $* " == *" --json "* ]]; then
            links=$(ls -l "/proc/$PID/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge 3 ] && return 0
        elif [ -s "$OUT" ]; then
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$ERR" >&2; fail "biosnoop $* exited early"; }
        sleep 0.01
    done
    fail "biosnoop $* never got ready"
}

# stop_snoop [PID OUT ERR]: SIGINT; it must exit 0 with nothing on stderr (unless
# ALLOW_STDERR is set)
stop_snoop() {
    local pid=${1:-$PID} out=${2:-$OUT} err=${3:-$ERR} rc=0
    kill -INT "$pid"
    wait "$pid" || rc=$?
    echo "--- biosnoop (exit $rc):"
    cat "$out"
    echo "--- stderr: $(cat "$err")"
    [ "$rc" -eq 0 ] || fail "biosnoop exited $rc"
    [ -n "${ALLOW_STDERR-}" ] || [ ! -s "$err" ] || fail "biosnoop wrote to stderr"
}

# ours FILE: the lines of our disk
ours() {
    awk -v d="$DISK" '$4 == d' "$1"
}

# check_lines FILE: exactly NR reads of 4096 bytes at sectors 0, 8, ... then NW writes at
# 2048, 2056, ..., all by dd, with numeric times and latencies
check_lines() {
    ours "$1" >"$T/ours"
    run awk '{ print $2, $5, $6, $7 }' "$T/ours"
    local expect="" i
    for ((i = 0; i < NR; i++)); do expect+="dd R $((i * 8)) 4096"$'\n'; done
    for ((i = 0; i < NW; i++)); do expect+="dd W $((2048 + i * 8)) 4096"$'\n'; done
    assert_output "${expect%$'\n'}"
    # PIDs: one dd for the reads, another for the writes
    assert_equal "$(awk '$5 == "R" { print $3 }' "$T/ours" | sort -u | wc -l)" 1
    assert_equal "$(awk '$5 == "W" { print $3 }' "$T/ours" | sort -u | wc -l)" 1
    run grep -cvE '^[0-9]+\.[0-9]{6} ' "$T/ours"
    assert_output 0
    run grep -cvE ' +[0-9]+\.[0-9]{2}$' "$T/ours"
    assert_output 0
}

@test "-d DISK: exactly our reads and writes, with BCC's header and layout" {
    start_snoop -d "$DISK"
    direct_io "$NR" "$NW"
    stop_snoop
    assert_equal "$(head -1 "$OUT")" "$HEADER"
    check_lines "$OUT"
    # -d keeps only that disk
    assert_equal "$(awk 'NR > 1 && $4 != d' d="$DISK" "$OUT" | wc -l)" 0
    # BCC's "%-11.6f %-14.14s %-7s %-9s %-1s %-10s %-7s%7.2f"
    run grep -cE "^[0-9.]{8,} +dd {13}[0-9]+ +$DISK +[RW] [0-9]+ +4096 {3} +[0-9]+\.[0-9]{2}\$" "$OUT"
    assert_output "$((NR + NW))"
    # the first line is at time 0, times never go backwards
    assert_equal "$(sed -n 2p "$OUT" | cut -d' ' -f1)" "0.000000"
    run awk 'NR > 1 { if ($1 < prev) bad++; prev = $1 } END { print bad + 0 }' "$OUT"
    assert_output 0
}

@test "all disks: our disk's lines are exactly ours" {
    start_snoop
    direct_io "$NR" "$NW"
    stop_snoop
    assert_equal "$(head -1 "$OUT")" "$HEADER"
    check_lines "$OUT"
}

@test "-Q -P: QUE(ms) and P columns, sequential after the first of each run" {
    start_snoop -Q -P -d "$DISK"
    direct_io "$NR" "$NW"
    stop_snoop
    assert_equal "$(head -1 "$OUT")" \
        'TIME(s)     COMM           PID     DISK      T SECTOR     BYTES  P QUE(ms) LAT(ms)'
    # BYTES, P, QUE(ms), LAT(ms): "%-7s" "%-1s " "%7.2f " "%7.2f"
    run grep -cE '^.* 4096   [SR?] +[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{2}$' "$OUT"
    assert_output "$((NR + NW))"
    # the first request is the first seen on the disk; the first write jumps (random); every
    # other request starts where the previous one ended
    local expect="?" i
    for ((i = 1; i < NR; i++)); do expect+=" S"; done
    expect+=" R"
    for ((i = 1; i < NW; i++)); do expect+=" S"; done
    run awk 'NR > 1 { printf "%s%s", (NR > 2 ? " " : ""), $8 }' "$OUT"
    assert_output "$expect"
}

@test "--json: one object per request, agreeing with the text" {
    command -v jq >/dev/null || skip "jq is not installed"
    local text text_err text_pid
    start_snoop -d "$DISK"
    text=$OUT text_err=$ERR text_pid=$PID
    start_snoop --json -Q -P -d "$DISK"
    direct_io "$NR" "$NW"
    stop_snoop "$text_pid" "$text" "$text_err"
    stop_snoop
    run jq -e -c 'type == "object"' "$OUT"
    assert_success
    assert_equal "$(wc -l <"$OUT")" "$((NR + NW))"
    run jq -r '[.comm, .rw, .sector, .bytes] | join(" ")' "$OUT"
    assert_equal "$output" "$(awk 'NR > 1 { print $2, $5, $6, $7 }' "$text")"
    run jq -r '[.disk == $d, (.pid | type), (.ts | type), (.time | type), (.lat_ns > 0),
        (.que_ns | type), (.pattern | test("^[SR?]$"))] | map(tostring) | join(" ")' \
        --arg d "$DISK" "$OUT"
    assert_equal "$(sort -u <<<"$output")" "true number number number true number true"
    # without -Q and -P, no que_ns and no pattern
    start_snoop --json -d "$DISK"
    direct_io 1 0
    stop_snoop
    run jq -c 'keys_unsorted' "$OUT"
    assert_output '["ts","time","comm","pid","disk","rw","sector","bytes","lat_ns"]'
}

# method_run METHOD DISABLE: -d with the given attach method forced
method_run() {
    export BCCTOOL_DISABLE_ATTACH=$2 BCCTOOL_LOG=debug
    ALLOW_STDERR=1
    start_snoop -d "$DISK"
    unset BCCTOOL_DISABLE_ATTACH BCCTOOL_LOG
    direct_io "$NR" "$NW"
    stop_snoop
    grep -q "attaching with $1" "$ERR" || fail "not attached with $1: $(cat "$ERR")"
}

@test "the raw_tp method shows the same lines" {
    method_run raw_tp tp_btf
    check_lines "$OUT"
}

@test "the tracepoint method shows the same lines" {
    method_run tracepoint tp_btf,raw_tp
    # Perf-event tracepoint programs share a per-CPU guard with every other kprobe and
    # tracepoint program and with bpf() map syscalls, so when other BPF tools are busy the
    # kernel may skip a run: then a request has no line. Every line shown must be right.
    ours "$OUT" >"$T/ours"
    local n
    n=$(wc -l <"$T/ours")
    [ "$n" -le $((NR + NW)) ] && [ "$n" -ge $(((NR + NW) / 2)) ] || fail "$n lines"
    run awk '!(($5 == "R" && $6 < 2048) || ($5 == "W" && $6 >= 2048)) || $7 != 4096 || $2 != "dd"' \
        "$T/ours"
    assert_output ""
}

@test "-d with a disk that does not exist: BCC's message, exit 1" {
    run_bct 1 biosnoop -d "nosuchdisk$$"
    assert_output "no such disk 'nosuchdisk$$'"
}

@test "positional arguments are refused" {
    run_bct 2 biosnoop 1
}

@test "--ebpf prints the program with the options' defines, without loading it" {
    run_bct biosnoop --ebpf -P -d "$DISK"
    assert_line --partial '#define BIOSNOOP_PATTERN'
    assert_line --regexp '#define FILTER_DEV [0-9]+U'
    assert_line --partial 'SEC("tp_btf/block_io_start")'
    refute_line --partial 'TIME(s)'
}
