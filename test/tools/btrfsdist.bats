#!/usr/bin/env bats
# bats file_tags=needs:bpf
# btrfsdist against a fresh btrfs on a loop device of the test's own: the fsops workload makes
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

@test "btrfsdist -p: per-operation totals are exactly the workload's calls" {
    fs_mount btrfs
    check_dist btrfsdist
    assert_equal "$(head -1 "$OUT")" "Tracing btrfs operation latency... Hit Ctrl-C to end."
}

@test "btrfsdist --json -p: one histogram object per operation, the same totals" {
    fs_mount btrfs
    check_dist_json btrfsdist
}

@test "btrfsdist: bad options exit 2" {
    run_bct 2 btrfsdist --bogus
    run_bct 2 btrfsdist -c
}
