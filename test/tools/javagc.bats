#!/usr/bin/env bats
# javagc: BCC's name for ugc -l java. It must run ugc with that language: on a
# process without the runtime's probes, the one-line refusal names the java probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "javagc is ugc -l java" {
    sleep 5 &
    SP=$!
    run_bct 1 javagc "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe mem__pool__gc__begin: its java runtime was built without USDT probes"* ]]
    run_bct 0 javagc --help
    [[ "$output" == *"Usage: javagc"* ]]
    run_bct 2 javagc --no-such-option "$SP"
}
