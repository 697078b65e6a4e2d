#!/usr/bin/env bats
# tclflow: BCC's name for uflow -l tcl. It must run uflow with that language: on a
# process without the runtime's probes, the one-line refusal names the tcl probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "tclflow is uflow -l tcl" {
    sleep 5 &
    SP=$!
    run_bct 1 tclflow "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe proc__args: its tcl runtime was built without USDT probes"* ]]
    run_bct 0 tclflow --help
    [[ "$output" == *"Usage: tclflow"* ]]
    run_bct 2 tclflow --no-such-option "$SP"
}
