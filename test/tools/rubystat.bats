#!/usr/bin/env bats
# rubystat: BCC's name for ustat -l ruby. It must run ustat with that language: a process named irb
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

@test "rubystat is ustat -l ruby" {
    lang_stat_alias rubystat irb python
}
