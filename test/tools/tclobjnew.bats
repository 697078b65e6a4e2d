#!/usr/bin/env bats
# tclobjnew: BCC's name for uobjnew -l tcl. It must run uobjnew with that language: on a process without the
# runtime's probes, the one-line refusal names the tcl probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "tclobjnew is uobjnew -l tcl" {
    sleep 5 &
    SP=$!
    run_bct 1 tclobjnew "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe obj__create: its tcl runtime was built without USDT probes"* ]]
    run_bct 0 tclobjnew --help
    [[ "$output" == *"Usage: tclobjnew"* ]]
    run_bct 2 tclobjnew --no-such-option "$SP"
}
