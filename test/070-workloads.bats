#!/usr/bin/env bats
# The shared workloads and helpers of helpers.bash that need neither root nor BPF: what they
# promise the tools' tests (exit codes, the -w handshake).
load helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "syscaller: each action N times exits 0; a failed child or bad usage does not" {
    local w
    w=$(workload syscaller)
    run -0 "$w" -n 5 getpid
    run -0 "$w" -n 3 fork 7
    run -0 "$w" -n 3 exec /bin/true
    run -0 "$w" -n 3 kill 10
    run -0 "$w" -n 3 sleep 1000
    run -1 "$w" -n 1 exec /nonexistent
    run -1 "$w" -n 1 exec /bin/false
    run -2 "$w"
    run -2 "$w" -n 1 frobnicate
}

@test "bg_workload waits for ready; go_workload runs it to a clean exit" {
    local W
    bg_workload W syscaller -N bct_wl -n 2 fork
    assert_equal "$(cat "/proc/$W/comm")" bct_wl
    go_workload "$W"
    run kill -0 "$W"
    assert_failure
}

@test "wait_for gives up when the process it watches exits" {
    sleep 0.2 &
    BG+=($!)
    run -1 wait_for "$!" 1000 false
    run -0 wait_for - 10 true
}
