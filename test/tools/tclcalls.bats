#!/usr/bin/env bats
# tclcalls: BCC's name for ucalls -l tcl. It must run ucalls with that language: on a
# process without the runtime's probes, the one-line refusal names the tcl probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "tclcalls is ucalls -l tcl" {
    sleep 5 &
    SP=$!
    run_bct 1 tclcalls "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe proc__entry: its tcl runtime was built without USDT probes"* ]]
    run_bct 0 tclcalls --help
    [[ "$output" == *"Usage: tclcalls"* ]]
    run_bct 2 tclcalls --no-such-option "$SP"
}
