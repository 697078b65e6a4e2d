#!/usr/bin/env bats
# phpflow: BCC's name for uflow -l php. It must run uflow with that language: on a
# process without the runtime's probes, the one-line refusal names the php probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "phpflow is uflow -l php" {
    sleep 5 &
    SP=$!
    run_bct 1 phpflow "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe function__entry: its php runtime was built without USDT probes"* ]]
    run_bct 0 phpflow --help
    [[ "$output" == *"Usage: phpflow"* ]]
    run_bct 2 phpflow --no-such-option "$SP"
}
