#!/usr/bin/env bats
# rubyflow: BCC's name for uflow -l ruby. It must run uflow with that language: on a
# process without the runtime's probes, the one-line refusal names the ruby probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "rubyflow is uflow -l ruby" {
    sleep 5 &
    SP=$!
    run_bct 1 rubyflow "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe method__entry: its ruby runtime was built without USDT probes"* ]]
    run_bct 0 rubyflow --help
    [[ "$output" == *"Usage: rubyflow"* ]]
    run_bct 2 rubyflow --no-such-option "$SP"
}
