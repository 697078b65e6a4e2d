#!/usr/bin/env bats
# dbslower and (below) mysqld_qslower: queries timed from MySQL's query__start/query__done
# USDT probes. MySQL and PostgreSQL are not installed: test/workloads/dbprobes fires the
# probes (N queries "SELECT dbmark_I", each lasting MS ms); test/workloads/mysqlx56 and mysqlx57
# define MySQL's dispatch_command for -x.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
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

# x_run NAME N M MS ARGS...: dbslower mysql -x (the path of workload NAME) ARGS around NAME -w
# N M MS (N slow COM_QUERY calls "SELECT xmark_I", M COM_INIT_DB ones, N quick COM_QUERY ones).
x_run() {
    local name=$1 n=$2 m=$3 ms=$4
    shift 4
    X=$(workload "$name")
    bg_workload WL "$name" "$n" "$m" "$ms"
    tracer_start dbslower mysql -x "$X" "$@"
    go_workload "$WL"
    tracer_stop
}

@test "dbslower mysql -x PATH: MySQL 5.6's dispatch_command, COM_QUERY only, over -m" {
    x_run mysqlx56 3 2 4 -m 3
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing database queries for application $X slower than 3 ms..." ]
    [ "$(sed -n 2p "$OUT")" = "TIME(s)        PID           MS QUERY" ]
    local i
    for i in 0 1 2; do
        [ "$(grep -cE "^[0-9]+\.[0-9]{6} +$WL +[0-9]+\.[0-9]{3} SELECT xmark_$i\$" "$OUT")" -eq 1 ]
    done
    [ "$(awk 'NR > 2 && $3 >= 4' "$OUT" | wc -l)" -eq 3 ]
    [ "$(wc -l <"$OUT")" -eq 5 ]
}

@test "dbslower mysql -x PATH --json: MySQL 5.7's dispatch_command (COM_DATA); -m 0 keeps every query" {
    x_run mysqlx57 2 3 4 -m 0 --json
    cat "$OUT"
    [ "$(jq -r --argjson p "$WL" 'select(.pid == $p) | .query' "$OUT")" = "SELECT xmark_0
SELECT xmark_1
SELECT xfast_0
SELECT xfast_1" ]
    [ "$(jq -r 'select(.query | startswith("SELECT xmark_")) | select(.ms >= 4) | .query' "$OUT" | wc -l)" -eq 2 ]
    [ "$(wc -l <"$OUT")" -eq 4 ]
    run_bct check dbslower
    [[ "$output" =~ dbslower\ -x\ PATH\ +uprobe ]]
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
    [ "$output" = "dbslower: Can't find function 'dispatch_command' in /usr/bin/sleep" ]
    run_bct 1 dbslower postgres -x "$(workload mysqlx56)"
    [ "$output" = "dbslower: Sorry at the moment PostgreSQL supports only USDT" ]
    run_bct 1 dbslower mysql -x /nonexistent/mysqld
    [ "${#lines[@]}" -eq 1 ]
    run_bct 2 dbslower
    run_bct 2 dbslower oracle
    run_bct 2 dbslower mysql -m x
    run_bct 2 mysqld_qslower
    run_bct 2 mysqld_qslower x
    run_bct 2 mysqld_qslower 1 2 3
}
