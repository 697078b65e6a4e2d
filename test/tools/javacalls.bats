#!/usr/bin/env bats
# javacalls: BCC's name for ucalls -l java. It must run ucalls with that language: on a process
# without the runtime's probes, its one-line refusal names the java probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "javacalls is ucalls -l java" {
    lang_names_refuse <<<"javacalls java method__entry"
}
