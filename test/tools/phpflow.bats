#!/usr/bin/env bats
# phpflow: BCC's name for uflow -l php. It must run uflow with that language: on a process
# without the runtime's probes, its one-line refusal names the php probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "phpflow is uflow -l php" {
    lang_names_refuse <<<"phpflow php function__entry"
}
