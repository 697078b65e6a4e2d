#!/usr/bin/env bats
# perlflow: BCC's name for uflow -l perl. It must run uflow with that language: on a
# process without the runtime's probes, the one-line refusal names the perl probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "perlflow is uflow -l perl" {
    sleep 5 &
    SP=$!
    run_bct 1 perlflow "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe sub__entry: its perl runtime was built without USDT probes"* ]]
    run_bct 0 perlflow --help
    [[ "$output" == *"Usage: perlflow"* ]]
    run_bct 2 perlflow --no-such-option "$SP"
}
