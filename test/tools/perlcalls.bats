#!/usr/bin/env bats
# perlcalls: BCC's name for ucalls -l perl. It must run ucalls with that language: on a process
# without the runtime's probes, its one-line refusal names the perl probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "perlcalls is ucalls -l perl" {
    lang_names_refuse <<<"perlcalls perl sub__entry"
}
