#!/usr/bin/env bats
# tclcalls: BCC's name for ucalls -l tcl. It must run ucalls with that language: on a process
# without the runtime's probes, its one-line refusal names the tcl probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "tclcalls is ucalls -l tcl" {
    lang_names_refuse <<<"tclcalls tcl proc__entry"
}
