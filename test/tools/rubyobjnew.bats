#!/usr/bin/env bats
# rubyobjnew: BCC's name for uobjnew -l ruby. It must run uobjnew with that language: on a process
# without the runtime's probes, its one-line refusal names the ruby probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "rubyobjnew is uobjnew -l ruby" {
    lang_names_refuse <<<"rubyobjnew ruby object__create"
}
