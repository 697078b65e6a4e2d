#!/usr/bin/env bats
# llcstat needs the hardware PMU's cache events. The test looks for a hardware PMU independently
# of the tool: a "cpu" (or "cpu_core", "armv8...") PMU in /sys/bus/event_source/devices, the
# kernel's list of registered PMUs. Without one, the tool
# must refuse in one line on stderr with exit 1 naming what is missing, and `bcctool check`
# must give the same reason; BCC's options still parse.
load ../helpers

# has_pmu: the kernel registered a hardware PMU (software, tracepoint, uprobe, kprobe,
# breakpoint, msr and power are not CPU cache counters)
has_pmu() {
    local d
    for d in /sys/bus/event_source/devices/*; do
        case ${d##*/} in
            software | tracepoint | uprobe | kprobe | breakpoint | msr | power* | *uncore*) ;;
            *) return 0 ;;
        esac
    done
    return 1
}

@test "llcstat: without a hardware PMU, refuses in one line, exit 1, nothing on stdout" {
    require_root
    has_pmu && skip "this machine has a hardware PMU: the refusal cannot happen here"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 llcstat -c 10 -t 1
    assert_equal "$output" ""
    assert_equal "${#stderr_lines[@]}" 1
    [[ "$stderr" == "llcstat: cannot count cache references and misses: no hardware PMU: "* ]]
}

@test "llcstat: bcctool check names the missing PMU" {
    require_root
    has_pmu && skip "this machine has a hardware PMU"
    run_bct 1 check llcstat
    assert_output --regexp '^llcstat +unavailable: no hardware PMU: the cache-misses perf event cannot be opened \(.+\)'
    run_bct 1 check --json llcstat
    [ "$(echo "$output" | jq -r '.available')" = false ]
    [[ "$(echo "$output" | jq -r '.reason')" == "no hardware PMU: "* ]]
}

@test "llcstat: bad options exit 2" {
    run_bct 2 llcstat -c x
    run_bct 2 llcstat -c 0
    run_bct 2 llcstat -Z
    run_bct 2 llcstat 1 2
    run_bct 2 llcstat abc
}

@test "llcstat: --ebpf says there is no program" {
    run_bct llcstat --ebpf
    assert_output "llcstat: this tool has no BPF program"
}
