#!/usr/bin/env bats
# bats file_tags=needs:bpf
# xfsslower against a fresh xfs on a loop device of the test's own: the fsops workload makes
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

@test "xfsslower 0 -p: one line per operation with T, BYTES, OFF_KB and the file name" {
    fs_mount xfs
    check_slower xfsslower 0
    assert_equal "$(head -1 "$OUT")" "Tracing XFS operations"
}

@test "xfsslower -j 0: BCC's CSV" {
    fs_mount xfs
    check_slower_csv xfsslower -j 0
}

@test "xfsslower --json 0: one object per operation, as the text" {
    fs_mount xfs
    check_slower_json xfsslower 0
}

@test "xfsslower: bad options exit 2" {
    run_bct 2 xfsslower --bogus
    run_bct 2 xfsslower abc
}
