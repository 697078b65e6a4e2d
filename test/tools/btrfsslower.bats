#!/usr/bin/env bats
# bats file_tags=needs:bpf
# btrfsslower against a fresh btrfs on a loop device of the test's own: the fsops workload makes
# known opens, writes, fsyncs and reads of a marked file (test/tools/fsops.bash).
load ../helpers
load fsops

BATS_NO_PARALLELIZE_WITHIN_FILE=true
LINKS=18

setup() {
    fs_setup
}

teardown() {
    fs_teardown
}

@test "btrfsslower 0 -p: one line per operation with T, BYTES, OFF_KB and the file name" {
    fs_mount btrfs
    WPID=7 check_slower btrfsslower 0
    assert_equal "$(head -1 "$OUT")" "Tracing btrfs operations"
}

@test "btrfsslower -j 0: BCC's CSV" {
    fs_mount btrfs
    check_slower_csv btrfsslower -j 0
}

@test "btrfsslower --json 0: one object per operation, as the text" {
    fs_mount btrfs
    check_slower_json btrfsslower 0
}

@test "btrfsslower: bad options exit 2" {
    run_bct 2 btrfsslower --bogus
    run_bct 2 btrfsslower abc
}

@test "btrfsslower -d 1: stops by itself after the duration" {
    fs_mount btrfs
    start_fs btrfsslower -d 1 0
    local rc=0
    wait "$TRACER" || rc=$?
    assert_equal "$rc" 0
    assert_equal "$(head -1 "$OUT")" "Tracing btrfs operations"
}
