#!/usr/bin/env bats
# rubycalls: BCC's name for ucalls -l ruby. It must run ucalls with that language: on a
# process without the runtime's probes, the one-line refusal names the ruby probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "rubycalls is ucalls -l ruby" {
    sleep 5 &
    SP=$!
    run_bct 1 rubycalls "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe method__entry: its ruby runtime was built without USDT probes"* ]]
    run_bct 0 rubycalls --help
    [[ "$output" == *"Usage: rubycalls"* ]]
    run_bct 2 rubycalls --no-such-option "$SP"
}
