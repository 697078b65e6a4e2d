#!/usr/bin/env bats
# perlstat: BCC's name for ustat -l perl. It must run ustat with that language: a process named perl
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

@test "perlstat is ustat -l perl" {
    lang_stat_alias perlstat perl python
}
