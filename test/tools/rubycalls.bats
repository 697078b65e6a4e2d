#!/usr/bin/env bats
# rubycalls: BCC's name for ucalls -l ruby. It must run ucalls with that language: on a process
# without the runtime's probes, its one-line refusal names the ruby probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "rubycalls is ucalls -l ruby" {
    lang_names_refuse <<<"rubycalls ruby method__entry"
}
