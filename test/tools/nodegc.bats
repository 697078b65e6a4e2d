#!/usr/bin/env bats
# nodegc: BCC's name for ugc -l node. It must run ugc with that language: on a
# process without the runtime's probes, the one-line refusal names the node probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "nodegc is ugc -l node" {
    sleep 5 &
    SP=$!
    run_bct 1 nodegc "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe gc__start: its node runtime was built without USDT probes"* ]]
    run_bct 0 nodegc --help
    [[ "$output" == *"Usage: nodegc"* ]]
    run_bct 2 nodegc --no-such-option "$SP"
}
