#!/usr/bin/env bats
# nodegc: BCC's name for ugc -l node. It must run ugc with that language: on a process
# without the runtime's probes, its one-line refusal names the node probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "nodegc is ugc -l node" {
    lang_names_refuse <<<"nodegc node gc__start"
}
