#!/usr/bin/env bats
# f2fsslower: the f2fs file system is not in the test kernel (/proc/filesystems), so the tool says so
# in one line and exits 1; where a kernel has it, that test is skipped. Usage errors exit 2
# before anything else; --ebpf still prints the program.
load ../helpers
load fsops

@test "f2fsslower: f2fs is not in this kernel: one line on stderr, exit 1" {
    require_root
    check_not_registered f2fsslower f2fs
}

@test "f2fsslower: bad options exit 2, --ebpf prints the program" {
    run_bct 2 f2fsslower --bogus
    run_bct 0 f2fsslower --ebpf
    assert_output --partial 'SYS_PAIR(openat'
    assert_output --partial 'FS_NAME8'
}
