#!/usr/bin/env bats
# rubyobjnew: BCC's name for uobjnew -l ruby. It must run uobjnew with that language: on a process without the
# runtime's probes, the one-line refusal names the ruby probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "rubyobjnew is uobjnew -l ruby" {
    sleep 5 &
    SP=$!
    run_bct 1 rubyobjnew "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe object__create: its ruby runtime was built without USDT probes"* ]]
    run_bct 0 rubyobjnew --help
    [[ "$output" == *"Usage: rubyobjnew"* ]]
    run_bct 2 rubyobjnew --no-such-option "$SP"
}
