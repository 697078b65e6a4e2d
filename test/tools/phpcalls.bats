#!/usr/bin/env bats
# phpcalls: BCC's name for ucalls -l php. It must run ucalls with that language: on a
# process without the runtime's probes, the one-line refusal names the php probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "phpcalls is ucalls -l php" {
    sleep 5 &
    SP=$!
    run_bct 1 phpcalls "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe function__entry: its php runtime was built without USDT probes"* ]]
    run_bct 0 phpcalls --help
    [[ "$output" == *"Usage: phpcalls"* ]]
    run_bct 2 phpcalls --no-such-option "$SP"
}
