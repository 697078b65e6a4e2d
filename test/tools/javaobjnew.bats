#!/usr/bin/env bats
# javaobjnew: BCC's name for uobjnew -l java. It must run uobjnew with that language: on a process without the
# runtime's probes, the one-line refusal names the java probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "javaobjnew is uobjnew -l java" {
    sleep 5 &
    SP=$!
    run_bct 1 javaobjnew "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe object__alloc: its java runtime was built without USDT probes"* ]]
    run_bct 0 javaobjnew --help
    [[ "$output" == *"Usage: javaobjnew"* ]]
    run_bct 2 javaobjnew --no-such-option "$SP"
}
