#!/usr/bin/env bats
# dbstat: a histogram of query latencies from MySQL's query__start/query__done USDT probes
# (test/workloads/dbprobes fires them: N queries of MS ms each; MySQL is not installed).
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

@test "dbstat mysql -p: BCC's banner, [time] line and histogram; -u in microseconds" {
    db_run 4 3 dbstat mysql -p @
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing database queries for pids $WL slower than 0 ms..." ]
    grep -qE '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "$OUT"
    grep -qx '     query latency (ms)  : count     distribution' "$OUT"
    # 3 ms queries: the 2 -> 3 slot (4 of them), or 4 -> 7 when the machine is slow
    [ "$(awk '$1 ~ /^[0-9]+$/ && $4 == ":" { s += $5 } END { print s + 0 }' "$OUT")" -eq 4 ]
    db_run 2 2 dbstat mysql -u -m 1 -p @
    cat "$OUT"
    grep -qx '     query latency (us)  : count     distribution' "$OUT"
    [ "$(awk '$1 ~ /^[0-9]+$/ && $4 == ":" && $5 > 0 { print $1 }' "$OUT" | head -1)" -ge 1024 ]
}

@test "no server running, bad options" {
    pidof mysqld postgres >/dev/null && skip "a MySQL or PostgreSQL server is running"
    run_bct 1 dbstat mysql
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"no mysqld process is running (MySQL is not installed or not started)"* ]]
    run_bct 2 dbstat
    run_bct 2 dbstat sqlite
    run_bct 2 dbstat mysql -i 0
    run_bct 2 dbstat mysql -m x
}
