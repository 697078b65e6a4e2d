#!/usr/bin/env bats
# phpstat: BCC's name for ustat -l php. It must run ustat with that language: a process named php
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

@test "phpstat is ustat -l php" {
    lang_stat_alias phpstat php python
}
