#!/usr/bin/env bats
# javacalls: BCC's name for ucalls -l java. It must run ucalls with that language: on a
# process without the runtime's probes, the one-line refusal names the java probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "javacalls is ucalls -l java" {
    sleep 5 &
    SP=$!
    run_bct 1 javacalls "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe method__entry: its java runtime was built without USDT probes"* ]]
    run_bct 0 javacalls --help
    [[ "$output" == *"Usage: javacalls"* ]]
    run_bct 2 javacalls --no-such-option "$SP"
}
