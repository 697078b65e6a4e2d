#!/usr/bin/env bats
# pythongc: BCC's name for ugc -l python. It must run ugc with that language: on a process
# without the runtime's probes, its one-line refusal names the python probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "pythongc is ugc -l python" {
    lang_names_refuse <<<"pythongc python gc__start"
}
