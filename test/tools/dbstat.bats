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
    local out=$BATS_TEST_TMPDIR/db.out
    "$(workload dbprobes)" -w 4 3 >"$out" &
    local p=$!
    BG+=("$p")
    wait_for "$p" 1000 grep -qx ready "$out"
    tracer_start dbstat mysql -p "$p"
    go_workload "$p"
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing database queries for pids $p slower than 0 ms..." ]
    grep -qE '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "$OUT"
    grep -qx '     query latency (ms)  : count     distribution' "$OUT"
    # 3 ms queries: the 2 -> 3 slot (4 of them), or 4 -> 7 when the machine is slow
    [ "$(awk '$1 ~ /^[0-9]+$/ && $4 == ":" { s += $5 } END { print s + 0 }' "$OUT")" -eq 4 ]
    "$(workload dbprobes)" -w 2 2 >"$out" &
    p=$!
    BG+=("$p")
    wait_for "$p" 1000 grep -qx ready "$out"
    tracer_start dbstat mysql -u -m 1 -p "$p"
    go_workload "$p"
    tracer_stop
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
