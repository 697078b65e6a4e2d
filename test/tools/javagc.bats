#!/usr/bin/env bats
# javagc: BCC's name for ugc -l java. It must run ugc with that language: on a process
# without the runtime's probes, its one-line refusal names the java probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "javagc is ugc -l java" {
    lang_names_refuse <<<"javagc java mem__pool__gc__begin"
}
