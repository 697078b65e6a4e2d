#!/usr/bin/env bats
# javathreads: BCC's name for uthreads -l java. It must run uthreads with that language: on a
# process without the JVM's probes, the one-line refusal names the java probe.
load ../helpers

teardown() {
    [ -z "${SP-}" ] || stop_pid "$SP" 1
}

@test "javathreads is uthreads -l java" {
    sleep 5 &
    SP=$!
    run_bct 1 javathreads "$SP"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $SP (/usr/bin/sleep) has no USDT probe thread__start: its java runtime was built without USDT probes"* ]]
    run_bct 0 javathreads --help
    [[ "$output" == *"Usage: javathreads"* ]]
    run_bct 2 javathreads --no-such-option "$SP"
}
