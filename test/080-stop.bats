#!/usr/bin/env bats
# Stops and kills during the compile: the compiler child dies with bcctool, leaves no
# temporary file for long, and a stop signal ends the tool cleanly before it attaches.
# The __compile tests need the kernel's BTF, not root; the tool's need BPF.
bats_require_minimum_version 1.8.0
load helpers

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
FIXTURE="$ROOT/test/fixtures/bpf/count_getpid.bpf.c"

setup() {
    [ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF"
    export BCCTOOL_CACHE_DIR="$BATS_TEST_TMPDIR/cache"
    BG=()
}

teardown() {
    bg_kill
}

# compiler_of PID: the compile child of bcctool PID, once it runs (10 s at most).
compiler_of() {
    local i c
    for ((i = 0; i < 1000; i++)); do
        c=$(pgrep -P "$1" | head -1)
        [ -n "$c" ] && { echo "$c"; return 0; }
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.01
    done
    return 1
}

# mid_compile PID: PID, a compile child, is writing the kernel's PCH (10 s at most); it is
# stopped there (SIGSTOP) so that a fast machine cannot finish the compile before the test
# acts. A stopped child still dies of SIGKILL, which is how its parent ends it.
mid_compile() {
    wait_for "$1" 1000 compgen -G "$BCCTOOL_CACHE_DIR/kernels/*/.*.pch.*.tmp" || return 1
    kill -STOP "$1"
}

# gone PID: true once PID has exited (2 s at most).
gone() {
    wait_for - 200 bash -c '! kill -0 "$1"' _ "$1"
}

@test "kill -9 of bcctool during the first compile takes the compiler with it" {
    local pid child
    "$BCCTOOL" __compile "$FIXTURE" >/dev/null 2>&1 &
    pid=$!
    BG+=("$pid")
    child=$(compiler_of "$pid") || fail "no compiler child"
    mid_compile "$child" || fail "the compiler wrote no PCH"
    kill -KILL "$pid"
    gone "$child" || { kill -KILL "$child"; fail "the compiler $child outlived its parent"; }
    # it wrote no PCH
    run find "$BCCTOOL_CACHE_DIR" -name '*.pch'
    assert_output ""
}

@test "stale temporary files are swept on a miss; a young one (a running compile) is kept" {
    run_bct __compile "$FIXTURE"
    local k
    k=$(dirname "$(find "$BCCTOOL_CACHE_DIR/kernels" -name vmlinux.h)")
    : >"$k/.0123.pch.99999.tmp"
    : >"$k/.0123.pch.99998-abcdef12.tmp.tmp"
    : >"$BCCTOOL_CACHE_DIR/objs/.0123.o.99997.tmp"
    touch -d '-1 hour' "$k/.0123.pch.99999.tmp" "$k/.0123.pch.99998-abcdef12.tmp.tmp" \
        "$BCCTOOL_CACHE_DIR/objs/.0123.o.99997.tmp"
    : >"$k/.4567.pch.99996.tmp"
    run_bct __compile -D TARGET_PID=7 "$FIXTURE"
    run find "$BCCTOOL_CACHE_DIR" -name '*.tmp'
    assert_output "$k/.4567.pch.99996.tmp"
}

@test "Ctrl-C during the first compile: exit 0, nothing printed, nothing attached, no temporary" {
    require_bpf
    local pid child rc=0 out=$BATS_TEST_TMPDIR/out err=$BATS_TEST_TMPDIR/err
    # its own process group, as a shell gives a command: Ctrl-C reaches the compiler too
    setsid "$BCCTOOL" opensnoop -p 1 >"$out" 2>"$err" &
    pid=$!
    BG+=("$pid")
    child=$(compiler_of "$pid") || fail "no compiler child"
    mid_compile "$child" || fail "the compiler wrote no PCH"
    kill -INT -- -"$pid"
    gone "$child" || { kill -CONT "$child"; fail "Ctrl-C left the compiler running"; }
    wait "$pid" || rc=$?
    echo "rc=$rc stdout: $(cat "$out") stderr: $(cat "$err")"
    assert_equal "$rc" 0
    assert_equal "$(cat "$out")" ""
    assert_equal "$(cat "$err")" ""
    run find "$BCCTOOL_CACHE_DIR" -name '*.tmp'
    assert_output ""
    # what was complete is kept and sound: the next run neither warns nor fails
    BCT_RUN_FLAGS=--separate-stderr BCT_TIMEOUT=20 run_bct opensnoop -d 1 -p 1
    assert_line --index 0 --partial "PID"
    assert_equal "$stderr" ""
}
