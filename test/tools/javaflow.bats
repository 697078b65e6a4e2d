#!/usr/bin/env bats
# javaflow: BCC's name for uflow -l java. It must run uflow with that language: on a process
# without the runtime's probes, its one-line refusal names the java probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "javaflow is uflow -l java" {
    lang_names_refuse <<<"javaflow java method__entry"
}
