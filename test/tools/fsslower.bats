#!/usr/bin/env bats
# bats file_tags=needs:bpf
# fsslower -t FS (libbpf-tools' interface) against a fresh ext4 on a loop device of the
# test's own: the fsops workload makes known opens, writes, fsyncs and reads of a marked file
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

@test "fsslower -t ext4 -m 0 -p: one line per operation, COMM 16 and PID 7 wide" {
    fs_mount ext4
    WCOMM=16 WPID=7 check_slower fsslower -t ext4 -m 0
    assert_equal "$(head -1 "$OUT")" "Tracing ext4 operations"
}

@test "fsslower -c: CSV with the end time in ns" {
    fs_mount ext4
    CSV_HEADER=ENDTIME_ns,TASK,PID,TYPE,BYTES,OFFSET_b,LATENCY_us,FILE check_slower_csv fsslower -t ext4 -m 0 -c
}

@test "fsslower --json: one object per operation" {
    fs_mount ext4
    check_slower_json fsslower -t ext4 -m 0
}

@test "fsslower -d 1: stops by itself; the banner says for how long" {
    fs_mount ext4
    start_fs fsslower -t xfs -d 1 -m 5
    local rc=0
    wait "$TRACER" || rc=$?
    assert_equal "$rc" 0
    assert_equal "$(head -1 "$OUT")" "Tracing xfs operations slower than 5 ms for 1 secs."
}

@test "fsslower: -t is required and checked; bad options exit 2" {
    run_bct 2 fsslower
    assert_output --partial "filesystem must be specified using -t option."
    run_bct 2 fsslower -t bogusfs
    run_bct 2 fsslower -t ext4 -m x
    run_bct 2 fsslower -t ext4 5
    run_bct 2 fsslower -t ext4 -j
}
