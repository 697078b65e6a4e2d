#!/usr/bin/env bats
# rubygc: BCC's name for ugc -l ruby. It must run ugc with that language: on a
# process without the runtime's probes, the one-line refusal names the ruby probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "rubygc is ugc -l ruby" {
    sleep 5 &
    SP=$!
    run_bct 1 rubygc "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe gc__mark__begin: its ruby runtime was built without USDT probes"* ]]
    run_bct 0 rubygc --help
    [[ "$output" == *"Usage: rubygc"* ]]
    run_bct 2 rubygc --no-such-option "$SP"
}
