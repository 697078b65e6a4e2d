#!/usr/bin/env bats
# tclflow: BCC's name for uflow -l tcl. It must run uflow with that language: on a process
# without the runtime's probes, its one-line refusal names the tcl probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "tclflow is uflow -l tcl" {
    lang_names_refuse <<<"tclflow tcl proc__args"
}
