#!/usr/bin/env bats
# bats file_tags=needs:bpf
# bcctool serve with the top-style and table tools (issue 18): one server runs them all while
# workloads of the test's own make known events (test/workloads/rwer, cacher, opener, tcpcs,
# dd on a loop device); one scrape, checked by promtool, must show exactly those counts in the
# workloads' label sets (their command names are unique; the tools' own -p and -r keep other
# processes' rows from pushing them out).
load ../helpers
load ../serve

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    LOOP=
}

teardown() {
    serve_stop_all
    loop_dev_detach
    net_ns_del
}

@test "serve filetop, dirtop, biotop, cachetop, cachestat, slabratetop, tcptop: exact counts of marked workloads" {
    command -v promtool >/dev/null || skip "promtool (Debian's prometheus) is not installed"
    local R=7 W=5 P=16 K=3 N=50 rw ca op tc m=srv$$
    loop_dev
    mkdir -p "$T/data"
    dd if=/dev/urandom of="$T/c.dat" bs=4096 count="$P" status=none
    cat "$T/c.dat" >/dev/null
    net_ns bct_srvt
    bg_workload rw rwer -N "${m}rw" -r "$R" -W "$W" -b 4096 "$T/data/${m}.dat"
    bg_workload ca cacher -N "${m}ca" -n "$K" "$T/c.dat"
    : >"$T/o"
    bg_workload op opener -n "$N" "$T/o"
    ns_workload tc tcpcs -n 1 -p 5413 -s 10240 -r 20480 -N "${m}tc"
    serve_local filetop -p "$rw" , dirtop -d "$T/data" , biotop -r 100000 , \
        cachetop -p "$ca" , cachestat , slabratetop -r 100000 , tcptop -p "$tc"
    scrape "$T/m0.txt"
    go_workload "$rw" "$ca" "$op"
    kill -USR1 "$tc"
    wait "$tc" || fail "tcpcs failed"
    direct_io 11 6
    # a slow client sends half a request and stalls: the others are still served
    exec {slow}<>"/dev/tcp/127.0.0.1/$SPORT"
    printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n' >&"$slow"
    run curl -sf -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SPORT/metrics"
    assert_output 200
    scrape "$T/m.txt"
    exec {slow}>&-
    cat "$T/m.txt" | grep -v '^#' | grep -E "$m|$DISK|filp|cachestat|/data" || true

    # filetop: the file's reads and writes, by command, type and name (no thread ID)
    f="{comm=\"${m}rw\",type=\"R\",file=\"${m}.dat\"}"
    [ "$(val "$T/m.txt" "bcctool_filetop_reads_total$f")" = "$R" ]
    [ "$(val "$T/m.txt" "bcctool_filetop_writes_total$f")" = "$W" ]
    [ "$(val "$T/m.txt" "bcctool_filetop_read_bytes_total$f")" = $((R * 4096)) ]
    [ "$(val "$T/m.txt" "bcctool_filetop_written_bytes_total$f")" = $((W * 4096)) ]
    grep -q '^# TYPE bcctool_filetop_reads_total counter$' "$T/m.txt"
    # dirtop: the same, by directory
    f="{dir=\"$T/data\"}"
    [ "$(val "$T/m.txt" "bcctool_dirtop_reads_total$f")" = "$R" ]
    [ "$(val "$T/m.txt" "bcctool_dirtop_written_bytes_total$f")" = $((W * 4096)) ]
    # biotop: dd's requests on our disk, by command, disk and direction (no PID)
    f="{comm=\"dd\",disk=\"$DISK\",rw=\"R\"}"
    [ "$(val "$T/m.txt" "bcctool_biotop_requests_total$f")" = 11 ]
    [ "$(val "$T/m.txt" "bcctool_biotop_bytes_total$f")" = $((11 * 4096)) ]
    f="{comm=\"dd\",disk=\"$DISK\",rw=\"W\"}"
    [ "$(val "$T/m.txt" "bcctool_biotop_requests_total$f")" = 6 ]
    [ "$(val "$T/m.txt" "bcctool_biotop_time_seconds_total$f")" != none ]
    # cachetop: K warm reads of P pages, by command and user
    f="{comm=\"${m}ca\",user=\"root\"}"
    [ "$(val "$T/m.txt" "bcctool_cachetop_page_accesses_total$f")" = $((K * P)) ]
    [ "$(val "$T/m.txt" "bcctool_cachetop_pages_added_total$f")" = 0 ]
    # cachestat: one series per counter, growing by at least those accesses
    a0=$(val "$T/m0.txt" bcctool_cachestat_page_accesses_total)
    a1=$(val "$T/m.txt" bcctool_cachestat_page_accesses_total)
    [ "$((a1 - a0))" -ge $((K * P)) ]
    # slabratetop: the N opens allocated N struct files at least (others open files too)
    s0=$(val "$T/m0.txt" 'bcctool_slabratetop_allocations_total{cache="filp"}')
    s1=$(val "$T/m.txt" 'bcctool_slabratetop_allocations_total{cache="filp"}')
    [ "$s1" != none ]
    [ "$((s1 - ${s0/none/0}))" -ge "$N" ]
    # tcptop: both ends of the session, exact bytes
    f="{comm=\"${m}tc\",laddr=\"127.0.0.1\",lport=\"5413\",raddr=\"127.0.0.1\","
    run grep -E "^bcctool_tcptop_(sent|received)_bytes_total\\{comm=\"${m}tc\"" "$T/m.txt"
    assert_line --regexp "^bcctool_tcptop_sent_bytes_total\\{comm=\"${m}tc\",laddr=\"127\\.0\\.0\\.1\",lport=\"5413\",raddr=\"127\\.0\\.0\\.1\",rport=\"[0-9]+\"\\} 20480\$"
    assert_line --regexp "^bcctool_tcptop_received_bytes_total\\{comm=\"${m}tc\",laddr=\"127\\.0\\.0\\.1\",lport=\"5413\",raddr=\"127\\.0\\.0\\.1\",rport=\"[0-9]+\"\\} 10240\$"
    assert_line --regexp "^bcctool_tcptop_sent_bytes_total\\{comm=\"${m}tc\",laddr=\"127\\.0\\.0\\.1\",lport=\"[0-9]+\",raddr=\"127\\.0\\.0\\.1\",rport=\"5413\"\\} 10240\$"
    assert_equal "${#lines[@]}" 4

    kill -INT "$SPID"
    wait "$SPID"
    BG=()
    [ "$(grep -v -e '^serving ' -e '^Considering ' "$T/serve.err")" = "" ] || fail "stderr: $(cat "$T/serve.err")"
    [ ! -s "$T/serve.out" ] || fail "stdout: $(cat "$T/serve.out")"
}

@test "serve biopattern, futexctn, funclatency, funcinterval, dbstat, tcpsubnet, readahead, numamove, kvmexit, tcpcong" {
    command -v promtool >/dev/null || skip "promtool (Debian's prometheus) is not installed"
    local fx us tw db m=srv$$ N=15
    loop_dev
    net_ns bct_srvm
    ip -n "$NS" addr add 198.51.100.7/32 dev lo || fail "cannot add 198.51.100.7"
    dd if=/dev/urandom of="$T/r.dat" bs=4096 count=64 status=none
    bg_workload fx futexer -n "$N" -d 200 -N "${m}fx"
    bg_workload us usdtdemo 4 2
    "$(workload dbprobes)" -w 3 1 >"$T/db.out" &
    db=$!
    BG+=("$db")
    wait_for "$db" 1000 grep -qx ready "$T/db.out" || fail "dbprobes never got ready"
    ns_workload tw tcpto 198.51.100.7:5501:100000 198.51.100.7:5502:23
    serve_local biopattern , futexctn -p "$fx" , funclatency -p "$us" \
        't:syscalls:sys_enter_clock_nanosleep' , tcpsubnet 198.51.100.0/24,203.0.113.0/24 , \
        readahead , numamove , kvmexit , tcpcong , \
        funcinterval -p "$us" t:syscalls:sys_enter_clock_nanosleep , dbstat mysql -p "$db"
    go_workload "$fx" "$us" "$db"
    kill -USR1 "$tw"
    wait "$tw" || fail "tcpto failed"
    direct_io 11 6
    "$(workload cacher)" -N "${m}ca" -n 1 -D "$T/r.dat"
    scrape "$T/m.txt"
    grep -v '^#' "$T/m.txt" | grep -E "$m|$DISK|198\.51|readahead|clock_nanosleep" || true

    # biopattern: our disk's requests after the first (which has nothing to follow), by disk:
    # the reads and the writes each in a row, one jump between them
    [ "$(val "$T/m.txt" "bcctool_biopattern_sequential_total{disk=\"$DISK\"}")" = 15 ]
    [ "$(val "$T/m.txt" "bcctool_biopattern_random_total{disk=\"$DISK\"}")" = 1 ]
    [ "$(val "$T/m.txt" "bcctool_biopattern_bytes_total{disk=\"$DISK\"}")" = $((16 * 4096)) ]
    # futexctn: N waits of the marked command, a histogram in seconds
    grep -q '^# TYPE bcctool_futexctn_seconds histogram$' "$T/m.txt"
    [ "$(val "$T/m.txt" "bcctool_futexctn_seconds_count{comm=\"${m}fx\"}")" = "$N" ]
    [ "$(val "$T/m.txt" "bcctool_futexctn_seconds_bucket{comm=\"${m}fx\",le=\"+Inf\"}")" = "$N" ]
    # funclatency: the 4 naps (2 ms each: the sum is at least 8 ms)
    f='{function="syscalls:sys_enter_clock_nanosleep"}'
    [ "$(val "$T/m.txt" "bcctool_funclatency_seconds_count$f")" = 4 ]
    awk -v s="bcctool_funclatency_seconds_sum$f" 'index($0, s " ") == 1 { exit !($2 >= 0.008) }' "$T/m.txt"
    # funcinterval: 3 intervals between the 4 naps; dbstat: the 3 queries, in seconds
    [ "$(val "$T/m.txt" bcctool_funcinterval_seconds_count)" = 3 ]
    [ "$(val "$T/m.txt" bcctool_dbstat_seconds_count)" = 3 ]
    # tcpsubnet: exactly the bytes sent to that subnet, by subnet as given
    [ "$(val "$T/m.txt" 'bcctool_tcpsubnet_sent_bytes_total{subnet="198.51.100.0/24"}')" = 100023 ]
    [ "$(val "$T/m.txt" 'bcctool_tcpsubnet_sent_bytes_total{subnet="203.0.113.0/24"}')" = none ]
    # readahead: the file read after its pages were dropped was read ahead
    p=$(val "$T/m.txt" bcctool_readahead_pages_total)
    u=$(val "$T/m.txt" bcctool_readahead_used_pages_total)
    [ "$p" -gt 0 ] && [ "$u" -le "$p" ]
    # numamove, kvmexit, tcpcong: their families (no NUMA, VM or congestion here to count)
    grep -q '^# TYPE bcctool_numamove_migrations_total counter$' "$T/m.txt"
    grep -q '^# TYPE bcctool_kvmexit_exits_total counter$' "$T/m.txt"
    grep -q '^# TYPE bcctool_tcpcong_state_changes_total counter$' "$T/m.txt"

    kill -INT "$SPID"
    wait "$SPID"
    BG=()
    [ "$(grep -v '^serving ' "$T/serve.err")" = "" ] || fail "stderr: $(cat "$T/serve.err")"
    [ ! -s "$T/serve.out" ] || fail "stdout: $(cat "$T/serve.out")"
}

@test "serve syscount -p, runqlat -p: their per-CPU arrays summed, exact counts, no empty series" {
    bg_workload W syscaller -n 1234 getpid
    serve_local syscount -p "$W" , runqlat -p "$W"
    go_workload "$W"
    scrape "$T/m.txt"
    grep '^bcctool_\(syscount\|runqlat\)' "$T/m.txt"
    assert_equal "$(val "$T/m.txt" 'bcctool_syscount_calls_total{syscall="getpid"}')" 1234
    # a per-CPU array holds every syscall number: only those called are served
    run awk '/^bcctool_syscount_calls_total/ && $NF == 0' "$T/m.txt"
    assert_output ""
    # runqlat's one histogram: the workload waited at least once (its start), all counted
    count=$(val "$T/m.txt" bcctool_runqlat_seconds_count)
    [ "$count" -ge 1 ]
    assert_equal "$(val "$T/m.txt" 'bcctool_runqlat_seconds_bucket{le="+Inf"}')" "$count"
}
