#!/usr/bin/env bats
# readahead is not implemented (no method for a page's first use): it must refuse in one line
# on stderr with exit 1 and print nothing on stdout, never numbers; BCC's options still parse.
load ../helpers

@test "refuses in one line, exit 1, nothing on stdout" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 readahead -d 1
    assert_equal "$output" ""
    assert_equal "${#stderr_lines[@]}" 1
    [[ "$stderr" == "readahead: cannot trace read-ahead page use: "* ]]
}

@test "bad options exit 2" {
    run_bct 2 readahead -d x
    run_bct 2 readahead -Z
    run_bct 2 readahead 5
}

@test "--ebpf says there is no program" {
    run_bct readahead --ebpf
    assert_output "readahead: this tool has no BPF program"
}
