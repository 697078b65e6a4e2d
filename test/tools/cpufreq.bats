#!/usr/bin/env bats
# cpufreq needs a cpufreq driver (/sys/devices/system/cpu/cpu0/cpufreq). Without one, the tool
# must refuse in one line on stderr with exit 1 naming what is missing, and `bcctool check`
# must give the same reason; libbpf-tools' options still parse.
load ../helpers

has_driver() {
    [ -e /sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq ]
}

@test "cpufreq: without a cpufreq driver, refuses in one line, exit 1" {
    has_driver && skip "this machine has a cpufreq driver"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 cpufreq -d 1 -f 199
    assert_equal "$output" ""
    assert_equal "${#stderr_lines[@]}" 1
    [ "$stderr" = "cpufreq: cannot sample CPU frequencies: no cpufreq driver: /sys/devices/system/cpu/cpu0/cpufreq is missing (CPU frequency scaling is off, or a VM without it)" ]
}

@test "cpufreq: bcctool check names the missing driver" {
    has_driver && skip "this machine has a cpufreq driver"
    run_bct 1 check cpufreq
    assert_output --regexp '^cpufreq +unavailable: no cpufreq driver: '
}

@test "cpufreq: bad options exit 2" {
    run_bct 2 cpufreq -d x
    run_bct 2 cpufreq -f 0
    run_bct 2 cpufreq -Z
    run_bct 2 cpufreq 5
}

@test "cpufreq: --ebpf says there is no program" {
    run_bct cpufreq --ebpf
    assert_output "cpufreq: this tool has no BPF program"
}
