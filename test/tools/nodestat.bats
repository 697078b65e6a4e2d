#!/usr/bin/env bats
# nodestat: BCC's name for ustat -l node. It must run ustat with that language: a process named node
# (test/workloads/langprobes copied under that name, waiting: lang_stat_alias) gets a row; one named
# python does not.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

@test "nodestat is ustat -l node" {
    lang_stat_alias nodestat node python
}
