#!/usr/bin/env bats
# mysqld_qslower: MySQL's query__start/query__done probes (test/workloads/dbprobes fires
# them; MySQL is not installed). dbslower.bats tests its output further.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

@test "mysqld_qslower PID: slow queries; bad usage" {
    db_run 3 2 mysqld_qslower @
    cat "$OUT"
    local p=$WL
    [ "$(sed -n 1p "$OUT")" = "Tracing MySQL server queries for PID $p slower than 1 ms..." ]
    [ "$(grep -cE "^[0-9]+\.[0-9]{6} +$p +[0-9]+\.[0-9]{3} SELECT dbmark_[012]\$" "$OUT")" -eq 3 ]
    run_bct 2 mysqld_qslower
    run_bct 2 mysqld_qslower -x 1
}
