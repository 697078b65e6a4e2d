#!/usr/bin/env bats
# pythonflow: BCC's name for uflow -l python. It must run uflow with that language: on a process
# without the runtime's probes, its one-line refusal names the python probe (lang_names_refuse).
load ../helpers

setup() {
    BG=()
}

teardown() {
    bg_kill
}

@test "pythonflow is uflow -l python" {
    lang_names_refuse <<<"pythonflow python function__entry"
}
