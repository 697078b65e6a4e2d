#!/usr/bin/env bats
# dbslower and (below) mysqld_qslower: queries timed from MySQL's query__start/query__done
# USDT probes. MySQL and PostgreSQL are not installed: test/workloads/dbprobes fires the
# probes (N queries "SELECT dbmark_I", each lasting MS ms).
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

# db_run N MS TOOL ARGS...: the tracer (ARGS, where @ is the workload's PID) around dbprobes.
db_run() {
    local n=$1 ms=$2 out=$BATS_TEST_TMPDIR/db.out
    shift 2
    "$(workload dbprobes)" -w "$n" "$ms" >"$out" &
    WL=$!
    BG+=("$WL")
    wait_for "$WL" 1000 grep -qx ready "$out" || fail "dbprobes never got ready"
    tracer_start "${@/#@/$WL}"
    go_workload "$WL"
    tracer_stop
}

@test "dbslower mysql -p: BCC's banner, header and formats; -m keeps slower queries only" {
    db_run 3 4 dbslower mysql -p @ -m 3
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing database queries for pids $WL slower than 3 ms..." ]
    [ "$(sed -n 2p "$OUT")" = "TIME(s)        PID           MS QUERY" ]
    local i
    for i in 0 1 2; do
        [ "$(grep -cE "^[0-9]+\.[0-9]{6} +$WL +[0-9]+\.[0-9]{3} SELECT dbmark_$i\$" "$OUT")" -eq 1 ]
    done
    [ "$(awk 'NR > 2 && $3 >= 4' "$OUT" | wc -l)" -eq 3 ]
    [ "$(wc -l <"$OUT")" -eq 5 ]
    db_run 2 1 dbslower postgres -p @ -m 50 --json
    [ ! -s "$OUT" ]
}

@test "dbslower --json; mysqld_qslower PID min_ms (times from the first query)" {
    db_run 2 3 dbslower mysql --json -p @
    cat "$OUT"
    [ "$(jq -r --argjson p "$WL" 'select(.pid == $p and .ms >= 3) | .query' "$OUT")" = "SELECT dbmark_0
SELECT dbmark_1" ]
    db_run 2 3 mysqld_qslower @ 2.5
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing MySQL server queries for PID $WL slower than 2.5 ms..." ]
    [ "$(sed -n 2p "$OUT")" = "TIME(s)        PID           MS QUERY" ]
    [ "$(sed -n 3p "$OUT" | cut -c1-22)" = "$(printf '%-14s %-7d' 0.000000 "$WL")" ]
    [ "$(grep -c ' SELECT dbmark_[01]$' "$OUT")" -eq 2 ]
}

@test "no server running, a process without the probes, bad options" {
    pidof mysqld postgres >/dev/null && skip "a MySQL or PostgreSQL server is running"
    run_bct 1 dbslower mysql
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"no mysqld process is running (MySQL is not installed or not started)"* ]]
    run_bct 1 dbslower postgres
    [[ "$output" == *"no postgres process is running (PostgreSQL is not installed or not started)"* ]]
    sleep 5 &
    local p=$!
    BG+=("$p")
    run_bct 1 mysqld_qslower "$p"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $p (/usr/bin/sleep) has no USDT probe query__start"* ]]
    run_bct 1 dbslower mysql -x /usr/bin/sleep
    run_bct 2 dbslower
    run_bct 2 dbslower oracle
    run_bct 2 dbslower mysql -m x
    run_bct 2 mysqld_qslower
    run_bct 2 mysqld_qslower x
    run_bct 2 mysqld_qslower 1 2 3
}
