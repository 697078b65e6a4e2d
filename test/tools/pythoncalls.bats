#!/usr/bin/env bats
# pythoncalls: BCC's name for ucalls -l python. It must run ucalls with that language: on a
# process without the runtime's probes, the one-line refusal names the python probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "pythoncalls is ucalls -l python" {
    sleep 5 &
    SP=$!
    run_bct 1 pythoncalls "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe function__entry: its python runtime was built without USDT probes"* ]]
    run_bct 0 pythoncalls --help
    [[ "$output" == *"Usage: pythoncalls"* ]]
    run_bct 2 pythoncalls --no-such-option "$SP"
}
