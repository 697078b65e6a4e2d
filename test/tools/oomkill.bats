#!/usr/bin/env bats
# bats file_tags=needs:bpf
# oomkill with a real OOM kill: test/workloads/memhog, under a marked command name, touches
# memory in a memory cgroup of the test's own with a small limit and no swap (cgroup v2 when
# its memory controller is there, else v1's), until the OOM killer ends it. The test counts
# the lines of that command. Tracers run in the background; teardown kills what a test left
# and removes the cgroup.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=oomk$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
    CG=
    make_cgroup
}

teardown() {
    bg_kill
    cgroup_del
}

# make_cgroup: a memory cgroup in CG limited to 32 MiB without swap; skips when there is none.
make_cgroup() {
    local v2 v1=/sys/fs/cgroup/memory
    for v2 in /sys/fs/cgroup /sys/fs/cgroup/unified; do
        if grep -qw memory "$v2/cgroup.controllers" 2>/dev/null; then
            grep -qw memory "$v2/cgroup.subtree_control" || echo +memory >"$v2/cgroup.subtree_control" || continue
            CG=$v2/bcct_oomkill_$$_$BATS_TEST_NUMBER
            mkdir "$CG"
            echo 32M >"$CG/memory.max"
            [ ! -e "$CG/memory.swap.max" ] || echo 0 >"$CG/memory.swap.max"
            return 0
        fi
    done
    if [ -e "$v1/memory.limit_in_bytes" ]; then
        CG=$v1/bcct_oomkill_$$_$BATS_TEST_NUMBER
        mkdir "$CG"
        echo 32M >"$CG/memory.limit_in_bytes"
        [ ! -e "$CG/memory.memsw.limit_in_bytes" ] || echo 32M >"$CG/memory.memsw.limit_in_bytes"
        echo 0 >"$CG/memory.swappiness" 2>/dev/null || true
        return 0
    fi
    skip "no memory cgroup controller"
}

# hog: the marked memhog, moved into the cgroup, run until the OOM killer ends it; its PID in
# HOG.
hog() {
    local rc=0
    bg_workload HOG memhog -N "$MARK" -m 1024
    echo "$HOG" >"$CG/cgroup.procs"
    kill -USR1 "$HOG"
    wait "$HOG" || rc=$?
    echo "memhog exit: $rc"
    [ "$rc" -eq 137 ] || fail "memhog was not killed by SIGKILL (exit $rc)"
}

start_trace() {
    OUT=$T/trace.out
    ERR=$T/trace.err
    echo "\$ bcctool oomkill $*"
    "$BCCTOOL" oomkill "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    # text: its header; JSON has none: its BPF link (made at attach)
    if [ "$1" = --json ]; then
        wait_for "$TRACER" 3000 attached "$TRACER" || { cat "$ERR" >&2; fail "the tracer never attached"; }
    else
        wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header from the tracer"; }
    fi
}

# attached PID: whether process PID holds a BPF link
attached() {
    ls -l "/proc/$1/fd" | grep -q 'anon_inode:bpf_link'
}

stop_trace() {
    sleep 0.2
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    cat "$OUT"
    [ "$rc" -eq 0 ] || fail "oomkill exited $rc"
    [ ! -s "$ERR" ] || fail "oomkill wrote to stderr: $(cat "$ERR")"
}

@test "an OOM kill in a memory-limited cgroup: BCC's line" {
    start_trace
    hog
    stop_trace
    assert_equal "$(head -1 "$OUT")" "Tracing OOM kills... Ctrl-C to stop."
    run grep -cE "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] Triggered by PID $HOG \(\"$MARK\"\), OOM kill of PID $HOG \(\"$MARK\"\), [0-9]+ pages, loadavg: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+\$" "$OUT"
    assert_output 1
    # the victim's RSS (tracepoint) or the domain's size (kprobe): near the 32 MiB limit
    local pages
    pages=$(grep -F "(\"$MARK\")" "$OUT" | sed -E 's/.*, ([0-9]+) pages,.*/\1/')
    [ "$pages" -gt 0 ] && [ "$((pages * $(getconf PAGESIZE)))" -le $((64 << 20)) ] || fail "pages: $pages"
}

@test "--json: one object per OOM kill with its fields" {
    start_trace --json
    hog
    stop_trace
    run jq -c 'select(type != "object")' "$OUT"
    assert_success
    assert_output ""
    assert_equal "$(jq -c --arg c "$MARK" --argjson p "$HOG" 'select(.fcomm == $c and .tcomm == $c and .fpid == $p and .tpid == $p and .pages > 0 and (.loadavg | test("^[0-9.]+ ")) and (.time | test("^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$")))' "$OUT" | wc -l)" 1
    run jq -r --arg c "$MARK" 'select(.tcomm == $c) | keys_unsorted | join(",")' "$OUT"
    assert_output "time,fpid,fcomm,tpid,tcomm,pages,loadavg"
}

@test "--ebpf prints the program; a bad argument is a usage error" {
    run_bct oomkill --ebpf
    assert_success
    assert_line --partial "#define OOMKILL_PAGE_SIZE"
    run_bct 2 oomkill extra
    run_bct 2 oomkill -p 1
}
