#!/usr/bin/env bats
# criticalstat needs the preemptirq trace events (CONFIG_PREEMPTIRQ_TRACEPOINTS). The test looks
# for them in tracefs: without them, the tool must refuse in one line on stderr with exit 1
# naming what is missing, and `bcctool check` must give the same reason; BCC's options parse.
load ../helpers

has_preemptirq() {
    local d
    d=$(tracefs_dir) || return 1
    [ -e "$d/events/preemptirq/irq_disable" ]
}

@test "criticalstat: without preemptirq events, refuses in one line, exit 1" {
    require_root
    has_preemptirq && skip "this kernel has the preemptirq events"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 criticalstat -i -d 50
    assert_equal "$output" ""
    assert_equal "${#stderr_lines[@]}" 1
    [ "$stderr" = "criticalstat: cannot time critical sections: no preemptirq trace events (irq_disable, irq_enable, preempt_disable, preempt_enable): the kernel needs CONFIG_PREEMPTIRQ_TRACEPOINTS" ]
}

@test "criticalstat: bcctool check names the missing events" {
    has_preemptirq && skip "this kernel has the preemptirq events"
    run_bct 1 check criticalstat
    assert_output --regexp '^criticalstat +unavailable: no preemptirq trace events .*CONFIG_PREEMPTIRQ_TRACEPOINTS$'
}

@test "criticalstat: bad options exit 2" {
    run_bct 2 criticalstat -d x
    run_bct 2 criticalstat -Z
    run_bct 2 criticalstat 5
}

@test "criticalstat: --ebpf says there is no program" {
    run_bct criticalstat --ebpf
    assert_output "criticalstat: this tool has no BPF program"
}
