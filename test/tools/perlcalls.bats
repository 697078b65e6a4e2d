#!/usr/bin/env bats
# perlcalls: BCC's name for ucalls -l perl. It must run ucalls with that language: on a
# process without the runtime's probes, the one-line refusal names the perl probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "perlcalls is ucalls -l perl" {
    sleep 5 &
    SP=$!
    run_bct 1 perlcalls "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe sub__entry: its perl runtime was built without USDT probes"* ]]
    run_bct 0 perlcalls --help
    [[ "$output" == *"Usage: perlcalls"* ]]
    run_bct 2 perlcalls --no-such-option "$SP"
}
