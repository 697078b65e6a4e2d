#!/usr/bin/env bats
# javaflow: BCC's name for uflow -l java. It must run uflow with that language: on a
# process without the runtime's probes, the one-line refusal names the java probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "javaflow is uflow -l java" {
    sleep 5 &
    SP=$!
    run_bct 1 javaflow "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe method__entry: its java runtime was built without USDT probes"* ]]
    run_bct 0 javaflow --help
    [[ "$output" == *"Usage: javaflow"* ]]
    run_bct 2 javaflow --no-such-option "$SP"
}
