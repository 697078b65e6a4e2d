#!/usr/bin/env bats
# bats file_tags=needs:bpf
# drsnoop traces global direct reclaim (vmscan:mm_vmscan_direct_reclaim_begin/end: the page
# allocator's slow path when free memory is below the watermarks). It cannot be caused
# deterministically on a shared test machine: a memory cgroup limit makes the kernel reclaim
# inside the cgroup (vmscan:mm_vmscan_memcg_reclaim_*, not these events), and exhausting the
# machine's memory would hurt everything else running. So the tests run a page-cache workload
# under a small memory cgroup limit (v2 memory.high, or v1 memory.limit_in_bytes), and assert on
# the header, the exit, the filters, and that any line of the workload is well-formed.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    CG=
}

teardown() {
    bg_kill
    cgroup_del
}

# start_dr ARGS...: "bcctool drsnoop ARGS" in the background; $OUT, $ERR, $PID. Returns once
# attached: the header, or for JSON the 2 BPF links.
start_dr() {
    local i links
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/dr.$SEQ.out
    ERR=$T/dr.$SEQ.err
    echo "\$ bcctool drsnoop $*"
    "$BCCTOOL" drsnoop "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    BG+=("$PID")
    for ((i = 0; i < 3000; i++)); do
        if [[ " $* " == *" --json "* ]]; then
            links=$(ls -l "/proc/$PID/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge 2 ] && return 0
        elif [ -s "$OUT" ]; then
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$ERR" >&2; fail "drsnoop $* exited early"; }
        sleep 0.01
    done
    fail "drsnoop $* never got ready"
}

stop_dr() {
    local rc=0
    kill -INT "$PID"
    wait "$PID" || rc=$?
    echo "--- drsnoop (exit $rc):"
    cat "$OUT"
    echo "--- stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "drsnoop exited $rc"
    [ ! -s "$ERR" ] || fail "drsnoop wrote to stderr"
}

# memcg: a memory cgroup of the test's own limited to 16 MiB, its directory in $CG and the file
# a PID is written to in $CG_PROCS; skips when there is no memory controller
memcg() {
    local v2=/sys/fs/cgroup v1=/sys/fs/cgroup/memory
    if grep -qw memory "$v2/cgroup.controllers" 2>/dev/null &&
        grep -qw memory "$v2/cgroup.subtree_control" 2>/dev/null; then
        CG=$v2/bct-drsnoop-$$-$BATS_TEST_NUMBER
        mkdir "$CG"
        echo 16M >"$CG/memory.high"
    elif [ -e "$v1/memory.limit_in_bytes" ]; then
        CG=$v1/bct-drsnoop-$$-$BATS_TEST_NUMBER
        mkdir "$CG"
        echo 16M >"$CG/memory.limit_in_bytes"
    else
        skip "no memory cgroup controller"
    fi
    CG_PROCS=$CG/cgroup.procs
}

LINE_RE='^[^ ].{13} [0-9]+ +[0-9]+\.[0-9]{2} +[0-9]+$'

@test "drsnoop: BCC's header; lines, if any, well-formed; Ctrl-C exits 0" {
    memcg
    start_dr
    [ "$(sed -n 1p "$OUT")" = "$(printf '%-14s %-6s %8s %5s' COMM PID 'LAT(ms)' PAGES)" ]
    sh -c 'echo $$ >"$1"; exec dd if=/dev/zero of="$2" bs=1M count=64 status=none' \
        sh "$CG_PROCS" "$T/fill"
    stop_dr
    tail -n +2 "$OUT" | while IFS= read -r l; do
        [[ "$l" =~ $LINE_RE ]] || fail "malformed line: '$l'"
    done
}

@test "drsnoop -T -U -v -t: BCC's header with each optional column" {
    start_dr -T -U -v -t 1
    stop_dr
    [ "$(cat "$OUT")" = "$(printf '%-14s%-6s%-14s %-6s %8s %5s%10s' 'TIME(s)' UID COMM TID 'LAT(ms)' PAGES 'FREE(KB)')" ]
}

@test "drsnoop -p: only the workload; --json lines, if any, parse" {
    command -v jq >/dev/null || skip "jq is not installed"
    memcg
    start_dr --json -p 1
    sh -c 'echo $$ >"$1"; exec dd if=/dev/zero of="$2" bs=1M count=64 status=none' \
        sh "$CG_PROCS" "$T/fill"
    stop_dr
    # -p 1 (init): nothing of the workload
    run jq -e 'select(.pid != 1)' "$OUT"
    [ -z "$output" ]
    if [ -s "$OUT" ]; then
        jq -e 'has("ts_us") and has("comm") and has("pid") and has("tid") and has("uid") and has("lat_ms") and has("pages")' "$OUT" >/dev/null
    fi
}

@test "drsnoop -d: stops by itself; a positional is a usage error" {
    run timeout 20 "$BCCTOOL" drsnoop -d 1
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$(printf '%-14s %-6s %8s %5s' COMM PID 'LAT(ms)' PAGES)" ]
    run "$BCCTOOL" drsnoop 5
    [ "$status" -eq 2 ]
    run "$BCCTOOL" drsnoop --ebpf -u 1000 -n main
    [ "$status" -eq 0 ]
    [[ "$output" == *"FILTER_UID"* ]]
}
