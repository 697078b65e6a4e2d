#!/usr/bin/env bats
# tclobjnew: BCC's name for uobjnew -l tcl. It must run uobjnew with that language: on a process
# without the runtime's probes, its one-line refusal names the tcl probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "tclobjnew is uobjnew -l tcl" {
    lang_names_refuse <<<"tclobjnew tcl obj__create"
}
