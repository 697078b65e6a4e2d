#!/usr/bin/env bats
# cache: info, clear and warm on a cache directory of the test's own (BCCTOOL_CACHE_DIR).
# Needs the kernel's BTF (world-readable), neither root nor BPF.
load ../helpers

setup() {
    [ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF"
    export BCCTOOL_CACHE_DIR="$BATS_TEST_TMPDIR/cache"
}

@test "info on a missing directory says empty and creates nothing" {
    run_bct cache info
    assert_line "directory: $BCCTOOL_CACHE_DIR (not created yet)"
    assert_line "objects: 0 (0 bytes)"
    assert_line "kernel headers: 0 kernels (0 bytes)"
    [ ! -e "$BCCTOOL_CACHE_DIR" ] || fail "info created $BCCTOOL_CACHE_DIR"
}

@test "info is the default action" {
    run_bct cache
    assert_line "directory: $BCCTOOL_CACHE_DIR (not created yet)"
}

@test "info on a directory that cannot be created: one error line, exit 1" {
    mkdir -m 0500 "$BATS_TEST_TMPDIR/ro"
    export BCCTOOL_CACHE_DIR=$BATS_TEST_TMPDIR/ro/sub/cache
    if [ "$(id -u)" -eq 0 ]; then
        # root may write anywhere: a file in the way instead
        touch "$BATS_TEST_TMPDIR/file"
        export BCCTOOL_CACHE_DIR=$BATS_TEST_TMPDIR/file/cache
    fi
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 cache info
    assert_output ""
    [[ $stderr == "cache: cache directory '$BCCTOOL_CACHE_DIR' does not exist and cannot be created ("*"): set BCCTOOL_CACHE_DIR;"* ]] ||
        fail "stderr: $stderr"
    [ "$(wc -l <<<"$stderr")" -eq 1 ] || fail "more than one line"
}

@test "warm compiles every tool's program, then finds them cached" {
    local n
    BCT_TIMEOUT=300 run_bct cache warm # compiles every tool: slow on a loaded machine
    n=$(grep -c ' compiled$' <<<"$output" || true)
    [ "$n" -gt 0 ] || skip "no tool loads BPF yet"
    assert_line --regexp "^$n compiled, 0 already cached, 0 failed(, [0-9]+ skipped)?\$"
    assert_line --regexp '^opensnoop +compiled$'
    BCT_TIMEOUT=300 run_bct cache warm # compiles every tool: slow on a loaded machine
    assert_line --regexp "^0 compiled, $n already cached, 0 failed(, [0-9]+ skipped)?\$"
    # a tool whose default run needs arguments is skipped, not failed
    assert_line --regexp '^fsdist +skipped: its run needs arguments$'

    run_bct cache info
    assert_line "objects: $n ($(du -cb "$BCCTOOL_CACHE_DIR"/objs/*.o | tail -1 | cut -f1) bytes)"
}

# bats test_tags=needs:bpf
@test "after warm, each tool's default run is a cache hit" {
    require_bpf
    local tool
    BCT_TIMEOUT=300 run_bct cache warm # compiles every tool: slow on a loaded machine
    for tool in $(awk '$2 == "compiled" { print $1 }' <<<"$output"); do
        # whatever it does next (mdflush cannot attach here), its compile must hit the cache:
        # stopped once it has said which, however long that takes on a loaded machine
        # a file of its own: one the last tool wrote could be read before this one truncates
        # it, and the Ctrl-C reach the shell still forking (ignoring it, as a background job)
        local err=$BATS_TEST_TMPDIR/err.$tool
        echo "\$ bcctool $tool"
        BCCTOOL_LOG=debug "$BCCTOOL" "$tool" >/dev/null 2>"$err" </dev/null &
        local pid=$!
        wait_for "$pid" 3000 grep -qE "compile cache hit for '|compiling '" "$err" || true
        kill -INT "$pid" 2>/dev/null || true
        wait_for - 1000 ended "$pid" ||
            { kill -KILL "$pid"; fail "$tool did not stop on Ctrl-C"; }
        wait "$pid" || true
        run cat "$err"
        assert_line --partial "compile cache hit for '" # its source (ext4dist: fsops.bpf.c)
        refute_line --partial "compiling '"
    done
}

@test "info lists the running kernel's headers after a compile" {
    run_bct __compile "$BATS_TEST_DIRNAME/../fixtures/bpf/count_getpid.bpf.c"
    run_bct cache info
    assert_line "objects: 1 ($(stat -c %s "$BCCTOOL_CACHE_DIR"/objs/*.o) bytes)"
    assert_line "kernel headers: 1 kernel ($(cat "$BCCTOOL_CACHE_DIR"/kernels/*/* | wc -c) bytes)"
    assert_line --regexp "^  [0-9a-f]{32}  $(uname -r) .*  \(running\)$"
    assert_line --regexp '^    vmlinux\.h [0-9]+ bytes, 1 precompiled header [0-9]+ bytes$'
}

@test "info --json is one object" {
    run_bct __compile "$BATS_TEST_DIRNAME/../fixtures/bpf/count_getpid.bpf.c"
    run_bct cache info --json
    [ "${#lines[@]}" -eq 1 ] || fail "more than one line"
    run jq -e '.objects == 1 and .dir == env.BCCTOOL_CACHE_DIR and .exists and
        (.kernels | length) == 1 and .kernels[0].running and .kernels[0].pchs == 1 and
        .kernels[0].vmlinux_h_bytes > 100000' <<<"$output"
    assert_success
}

@test "clear removes every entry" {
    run_bct __compile "$BATS_TEST_DIRNAME/../fixtures/bpf/count_getpid.bpf.c"
    run_bct cache clear
    assert_output --regexp "^removed [0-9]+ files from $BCCTOOL_CACHE_DIR$"
    run find "$BCCTOOL_CACHE_DIR" -type f
    assert_output ""
    run_bct cache info
    assert_line "objects: 0 (0 bytes)"
}

@test "clear on a missing directory removes nothing" {
    run_bct cache clear
    assert_output "removed 0 files"
}

@test "a refused cache directory: one warning, warm fails" {
    mkdir -m 0777 "$BCCTOOL_CACHE_DIR"
    chmod 0777 "$BCCTOOL_CACHE_DIR"
    BCT_TIMEOUT=300 BCT_RUN_FLAGS=--separate-stderr run_bct 1 cache warm
    [[ "$stderr" == *"not using the compile cache: '$BCCTOOL_CACHE_DIR' is not owned by uid"* ]] ||
        fail "$stderr"
    [[ "$stderr" == *"the compile cache is not usable"* ]] || fail "$stderr"
}

@test "an unknown action is a usage error" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 2 cache frobnicate
    [[ "$stderr" == *"unknown action: 'frobnicate'"* ]] || fail "$stderr"
}
