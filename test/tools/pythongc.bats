#!/usr/bin/env bats
# pythongc: BCC's name for ugc -l python. It must run ugc with that language: on a
# process without the runtime's probes, the one-line refusal names the python probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "pythongc is ugc -l python" {
    sleep 5 &
    SP=$!
    run_bct 1 pythongc "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe gc__start: its python runtime was built without USDT probes"* ]]
    run_bct 0 pythongc --help
    [[ "$output" == *"Usage: pythongc"* ]]
    run_bct 2 pythongc --no-such-option "$SP"
}
