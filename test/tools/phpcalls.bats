#!/usr/bin/env bats
# phpcalls: BCC's name for ucalls -l php. It must run ucalls with that language: on a process
# without the runtime's probes, its one-line refusal names the php probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "phpcalls is ucalls -l php" {
    lang_names_refuse <<<"phpcalls php function__entry"
}
