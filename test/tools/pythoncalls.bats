#!/usr/bin/env bats
# pythoncalls: BCC's name for ucalls -l python. It must run ucalls with that language: on a process
# without the runtime's probes, its one-line refusal names the python probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "pythoncalls is ucalls -l python" {
    lang_names_refuse <<<"pythoncalls python function__entry"
}
