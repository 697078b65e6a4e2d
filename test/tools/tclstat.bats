#!/usr/bin/env bats
# tclstat: BCC's name for ustat -l tcl. It must run ustat with that language: a process named tclsh
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

@test "tclstat is ustat -l tcl" {
    lang_stat_alias tclstat tclsh python
}
