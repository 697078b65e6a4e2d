#!/usr/bin/env bats
# bats file_tags=needs:bpf
# ext4slower against a fresh ext4 on a loop device of the test's own: the fsops workload makes
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

@test "ext4slower 0 -p: one line per operation with T, BYTES, OFF_KB and the file name" {
    fs_mount ext4
    check_slower ext4slower 0
    assert_equal "$(head -1 "$OUT")" "Tracing ext4 operations"
}

@test "ext4slower -j 0: BCC's CSV" {
    fs_mount ext4
    check_slower_csv ext4slower -j 0
}

@test "ext4slower --json 0: one object per operation, as the text" {
    fs_mount ext4
    check_slower_json ext4slower 0
}

@test "ext4slower -p keeps only that process; the default threshold is 10 ms" {
    local a b
    fs_mount ext4
    bg_workload a fsops "$MNT/${MARK}_a" 1 3 0 1
    bg_workload b fsops "$MNT/${MARK}_b" 1 3 0 1
    start_fs ext4slower -p "$a" 0
    go_workload "$a" "$b"
    stop_fs
    assert_equal "$(grep -c " ${MARK}_a\$" "$OUT")" 5
    assert_equal "$(grep -c " ${MARK}_b\$" "$OUT")" 0
    # the banner names the threshold
    start_fs ext4slower
    stop_fs
    assert_equal "$(head -1 "$OUT")" "Tracing ext4 operations slower than 10 ms"
}

@test "ext4slower: bad options exit 2" {
    run_bct 2 ext4slower --bogus
    run_bct 2 ext4slower abc
    run_bct 2 ext4slower 1 2
    run_bct 2 ext4slower -t ext4
}
