#!/usr/bin/env bats
# rubyflow: BCC's name for uflow -l ruby. It must run uflow with that language: on a process
# without the runtime's probes, its one-line refusal names the ruby probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "rubyflow is uflow -l ruby" {
    lang_names_refuse <<<"rubyflow ruby method__entry"
}
