#!/usr/bin/env bats
# bats file_tags=needs:bpf
# fsdist -t FS (libbpf-tools' interface) against a fresh ext4 on a loop device of the test's
# own: the fsops workload makes known opens, writes, fsyncs and reads of a marked file
# (test/tools/fsops.bash).
load ../helpers
load fsops

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    fs_setup
}

teardown() {
    fs_teardown
}

@test "fsdist -t ext4 -p: per-operation totals are exactly the workload's calls" {
    fs_mount ext4
    check_dist fsdist -t ext4
    assert_equal "$(head -1 "$OUT")" "Tracing ext4 operation latency... Hit Ctrl-C to end."
}

@test "fsdist -t ext4 --json -p: the same totals" {
    fs_mount ext4
    check_dist_json fsdist -t ext4
}

@test "fsdist -T 1 1: the time before the histograms (libbpf-tools' -T)" {
    fs_mount ext4
    start_fs fsdist -t ext4 -T 1 1
    wait "$TRACER"
    run grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$OUT"
    assert_output 1
}

@test "fsdist: -t is required and checked; bad options exit 2" {
    run_bct 2 fsdist
    assert_output --partial "filesystem must be specified using -t option."
    run_bct 2 fsdist -t bogusfs
    run_bct 2 fsdist --bogus
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 fsdist -t nfs
    grep -qw nfs /proc/filesystems || assert_equal "$stderr" "fsdist: file system type 'nfs' is not in this kernel (/proc/filesystems): nothing to trace"
}
