#!/usr/bin/env bats
# bats file_tags=needs:bpf
# ext4dist against a fresh ext4 on a loop device of the test's own: the fsops workload makes
# known opens, writes, fsyncs and reads of a marked file (test/tools/fsops.bash).
load ../helpers
load fsops

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    fs_setup
}

teardown() {
    fs_teardown
}

@test "ext4dist -p: per-operation totals are exactly the workload's calls" {
    fs_mount ext4
    check_dist ext4dist
    assert_equal "$(head -1 "$OUT")" "Tracing ext4 operation latency... Hit Ctrl-C to end."
    assert_equal "$(grep -c '^     usecs  *: count     distribution$' "$OUT")" 4
}

@test "ext4dist --json -p: one histogram object per operation, the same totals" {
    fs_mount ext4
    check_dist_json ext4dist
}

@test "ext4dist -m: msecs; an interval prints the time unless -T" {
    fs_mount ext4
    check_dist ext4dist -m
    assert_equal "$(grep -c '^     msecs  *: count     distribution$' "$OUT")" 4
    start_fs ext4dist 1 1
    wait "$TRACER"
    run grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}:$' "$OUT"
    assert_output 1
    start_fs ext4dist -T 1 1
    wait "$TRACER"
    run grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}:$' "$OUT"
    assert_output 0
}

@test "ext4dist: bad options exit 2" {
    run_bct 2 ext4dist --bogus
    run_bct 2 ext4dist -t ext4
    run_bct 2 ext4dist x
}
