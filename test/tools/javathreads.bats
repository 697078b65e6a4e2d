#!/usr/bin/env bats
# javathreads: BCC's name for uthreads -l java. It must run uthreads with that language: on a process
# without the runtime's probes, its one-line refusal names the java probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "javathreads is uthreads -l java" {
    lang_names_refuse <<<"javathreads java thread__start"
}
