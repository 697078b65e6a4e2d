#!/usr/bin/env bats
# javaobjnew: BCC's name for uobjnew -l java. It must run uobjnew with that language: on a process
# without the runtime's probes, its one-line refusal names the java probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "javaobjnew is uobjnew -l java" {
    lang_names_refuse <<<"javaobjnew java object__alloc"
}
