#!/usr/bin/env bats
# rubygc: BCC's name for ugc -l ruby. It must run ugc with that language: on a process
# without the runtime's probes, its one-line refusal names the ruby probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "rubygc is ugc -l ruby" {
    lang_names_refuse <<<"rubygc ruby gc__mark__begin"
}
