#!/usr/bin/env bats
# javastat: BCC's name for ustat -l java. It must run ustat with that language: a process named java
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

@test "javastat is ustat -l java" {
    lang_stat_alias javastat java python
}
