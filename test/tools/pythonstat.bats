#!/usr/bin/env bats
# pythonstat: BCC's name for ustat -l python. It must run ustat with that language: a process named
# python (test/workloads/langprobes copied under that name, waiting: lang_stat_alias) gets a row;
# one named java does not.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

@test "pythonstat is ustat -l python" {
    lang_stat_alias pythonstat python java
}
