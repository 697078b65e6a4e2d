#!/usr/bin/env bats
# bats file_tags=needs:bpf
# mdflush needs fentry or kprobes on md_flush_request(): md has no trace event. Where the
# kernel offers neither (the test machine: no kprobes, fentry refused, no md driver), the tool
# must say so in one line and exit 1, and `bcctool check` must say it is unavailable. Where a
# method exists, it must at least start and stop cleanly.
load ../helpers

usable() {
    ! "$BCCTOOL" check mdflush | grep -q unavailable
}

@test "bcctool check mdflush: unavailable without fentry and kprobes, else the method" {
    if usable; then
        run_bct check mdflush
        assert_output --regexp '^mdflush +(fentry|kprobe)$'
    else
        run_bct 1 check mdflush
        assert_output --regexp '^mdflush +unavailable: needs fentry/fexit or kprobes$'
    fi
}

@test "no method: one line naming what is missing, exit 1 (text and --json)" {
    require_bpf
    usable && skip "this kernel has a method for mdflush"
    local mode
    for mode in "" --json; do
        BCT_RUN_FLAGS=--separate-stderr run_bct 1 mdflush $mode
        assert_equal "$output" ""
        assert_equal "$stderr" "mdflush: cannot attach 'md flush requests': fentry: fentry/fexit not permitted by this kernel (EPERM); kprobe: kernel has no kprobes"
    done
}

@test "the same when fentry and kprobes are disabled" {
    require_bpf
    BCCTOOL_DISABLE_ATTACH=fentry,kprobe BCT_RUN_FLAGS=--separate-stderr run_bct 1 mdflush
    assert_equal "$output" ""
    assert_equal "$stderr" "mdflush: cannot attach 'md flush requests': fentry: disabled by BCCTOOL_DISABLE_ATTACH; kprobe: disabled by BCCTOOL_DISABLE_ATTACH"
}

@test "where a method exists: the banner and BCC's header, exit 0 on SIGINT" {
    require_bpf
    usable || skip "no fentry or kprobes here"
    BCT_TIMEOUT=2 run_bct mdflush
    assert_line --index 0 "Tracing md flush requests... Hit Ctrl-C to end."
    assert_line --index 1 "TIME     PID     COMM             DEVICE"
}

@test "--ebpf prints the program without needing a method" {
    run_bct mdflush --ebpf
    assert_output --partial 'SEC("kprobe/md_flush_request")'
    assert_output --partial 'SEC("fentry/md_flush_request")'
}

@test "a positional argument is a usage error" {
    run_bct 2 mdflush extra
    assert_output --partial "unrecognized argument: 'extra'"
}
