#!/usr/bin/env bats
# bats file_tags=needs:bpf
# xfsdist against a fresh xfs on a loop device of the test's own: the fsops workload makes
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

@test "xfsdist -p: per-operation totals are exactly the workload's calls" {
    fs_mount xfs
    check_dist xfsdist
    assert_equal "$(head -1 "$OUT")" "Tracing XFS operation latency... Hit Ctrl-C to end."
}

@test "xfsdist --json -p: one histogram object per operation, the same totals" {
    fs_mount xfs
    check_dist_json xfsdist
}

@test "xfsdist: bad options exit 2" {
    run_bct 2 xfsdist --bogus
    run_bct 2 xfsdist -c
}
