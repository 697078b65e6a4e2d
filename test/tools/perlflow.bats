#!/usr/bin/env bats
# perlflow: BCC's name for uflow -l perl. It must run uflow with that language: on a process
# without the runtime's probes, its one-line refusal names the perl probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "perlflow is uflow -l perl" {
    lang_names_refuse <<<"perlflow perl sub__entry"
}
