#!/usr/bin/env bats
# pythonflow: BCC's name for uflow -l python. It must run uflow with that language: on a
# process without the runtime's probes, the one-line refusal names the python probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "pythonflow is uflow -l python" {
    sleep 5 &
    SP=$!
    run_bct 1 pythonflow "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe function__entry: its python runtime was built without USDT probes"* ]]
    run_bct 0 pythonflow --help
    [[ "$output" == *"Usage: pythonflow"* ]]
    run_bct 2 pythonflow --no-such-option "$SP"
}
