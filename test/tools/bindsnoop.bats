#!/usr/bin/env bats
# bats file_tags=needs:bpf
# bindsnoop with real binds: test/workloads/sockops (bind) makes N sockets (TCP, or UDP with -u)
# in the test's network namespace, sets the options given (BCC's letters F T N R r; -d: an
# interface index), binds each to a known address and port and closes it; bindbusy binds a
# second socket to a port in use (EADDRINUSE). Lines are told apart by the workload's PID and
# command name; ports 52xx are this file's.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    BG=()
    net_ns bct_bind
    MARK=bnd$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:12}
}

teardown() {
    bg_kill
    net_ns_del
}

# mine COL PID: the lines whose column COL is PID
mine() {
    awk -v c="$1" -v p="$2" '$c == p' "$OUT"
}

# line PID PROT ADDR PORT OPTS IF: BCC's "%8d %-12.12s %-4.4s %-15.15s %5d %-5s %2d"
line() {
    printf '%8s %-12.12s %-4.4s %-15.15s %5s %-5s %2s' "$1" "$MARK" "$2" "$3" "$4" "$5" "$6"
}

@test "TCP and UDP binds with options: BCC's banner, header and exact lines" {
    local a b c
    tracer_start bindsnoop
    wait_for "$TRACER" 300 lines_ge '' "$OUT" 2
    assert_equal "$(sed -n 1p "$OUT")" "Tracing binds ... Hit Ctrl-C to end"
    printf -v want '%8s %-12.12s %-4s %-15s %-5s %5s %2s' PID COMM PROT ADDR PORT OPTS IF
    assert_equal "$(sed -n 2p "$OUT")" "$want"
    ns_workload a sockops -N "$MARK" -p 5201 -o FRr -n 3 bind
    ns_workload b sockops -N "$MARK" -u -p 5202 -o TN -d 1 -n 2 bind
    ns_workload c sockops -N "$MARK" -6 -a ::1 -p 5203 bind
    go_workload "$a" "$b" "$c"
    tracer_stop
    local l
    l=$(line "$a" TCP 127.0.0.1 5201 F..Rr 0)
    assert_equal "$(mine 1 "$a")" "$l"$'\n'"$l"$'\n'"$l"
    l=$(line "$b" UDP 127.0.0.1 5202 .TN.. 1)
    assert_equal "$(mine 1 "$b")" "$l"$'\n'"$l"
    assert_equal "$(mine 1 "$c")" "$(line "$c" TCP ::1 5203 ..... 0)"
}

@test "-E adds failed binds with their return code; without it they are not shown" {
    local a b
    tracer_start bindsnoop -E
    ns_workload a sockops -N "$MARK" -p 5204 bindbusy
    go_workload "$a"
    tracer_stop
    printf -v want '%3s %s' RC "$(printf '%8s %-12.12s %-4s %-15s %-5s %5s %2s' PID COMM PROT ADDR PORT OPTS IF)"
    assert_equal "$(sed -n 2p "$OUT")" "$want"
    assert_equal "$(mine 2 "$a")" "  0 $(line "$a" TCP 127.0.0.1 5204 ..... 0)"$'\n'"-98 $(line "$a" TCP 0.0.0.0 0 ..... 0)"
    tracer_start bindsnoop
    ns_workload b sockops -N "$MARK" -p 5204 bindbusy
    go_workload "$b"
    tracer_stop
    assert_equal "$(mine 1 "$b")" "$(line "$b" TCP 127.0.0.1 5204 ..... 0)"
}

@test "-w -E: wide columns and the error's text" {
    local a
    tracer_start bindsnoop -w -E
    ns_workload a sockops -N "$MARK" -6 -p 5205 bindbusy
    go_workload "$a"
    tracer_stop
    printf -v want '%-25s %10s %-12.12s %-4s %-39s %-5s %5s %2s' RC PID COMM PROT ADDR PORT OPTS IF
    assert_equal "$(sed -n 2p "$OUT")" "$want"
    printf -v l1 '%-25s %10s %-12.12s %-4s %-39s %5s %-5s %2s' Success "$a" "$MARK" TCP ::1 5205 ..... 0
    # BCC passes the negative code to strerror()
    printf -v l2 '%-25s %10s %-12.12s %-4s %-39s %5s %-5s %2s' "Unknown error -98" "$a" "$MARK" TCP :: 0 ..... 0
    assert_equal "$(grep " $a $MARK " "$OUT")" "$l1"$'\n'"$l2"
}

@test "-P and -p keep exactly the matching binds" {
    local a b c
    ns_workload a sockops -N "$MARK" -p 5206 -n 2 bind
    ns_workload b sockops -N "$MARK" -p 5207 -n 2 bind
    tracer_start bindsnoop -P 5206,5299
    go_workload "$a" "$b"
    tracer_stop
    assert_equal "$(mine 1 "$a" | wc -l)" 2
    assert_equal "$(awk 'NR > 2' "$OUT" | wc -l)" 2
    ns_workload b sockops -N "$MARK" -p 5207 -n 2 bind
    ns_workload c sockops -N "$MARK" -p 5208 -n 3 bind
    tracer_start bindsnoop -p "$c"
    go_workload "$b" "$c"
    tracer_stop
    assert_equal "$(mine 1 "$c" | wc -l)" 3
    assert_equal "$(awk 'NR > 2' "$OUT" | wc -l)" 3
}

@test "-t -U, and -u keeps that user's binds" {
    local a b nobody
    nobody=$(id -u nobody)
    tracer_start bindsnoop -t -U -u "$nobody"
    printf -v want '%-9s %6s %s' 'TIME(s)' UID "$(printf '%8s %-12.12s %-4s %-15s %-5s %5s %2s' PID COMM PROT ADDR PORT OPTS IF)"
    wait_for "$TRACER" 300 lines_ge '' "$OUT" 2
    assert_equal "$(sed -n 2p "$OUT")" "$want"
    ns_workload a sockops -N "$MARK" -p 5209 -n 2 bind
    b=$BATS_TEST_TMPDIR/nobody.out
    ip netns exec "$NS" setpriv --reuid "$nobody" --regid "$nobody" --clear-groups \
        "$(workload sockops)" -N "$MARK" -p 5210 -n 2 bind >"$b" || fail "sockops as nobody failed"
    go_workload "$a"
    tracer_stop
    assert_equal "$(awk 'NR > 2' "$OUT" | wc -l)" 2
    run awk 'NR > 2 { print ($1 ~ /^[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/), $2, $7 }' "$OUT"
    assert_output "1 $nobody 5210"$'\n'"1 $nobody 5210"
}

@test "--count: binds per address and port at Ctrl-C" {
    local a b c
    tracer_start bindsnoop --count -P 5211,5212,5213
    assert_equal "$(head -1 "$OUT")" "Tracing binds ... Hit Ctrl-C to end"
    ns_workload a sockops -N "$MARK" -p 5211 -n 3 bind
    ns_workload b sockops -N "$MARK" -u -p 5212 -n 5 bind
    ns_workload c sockops -N "$MARK" -6 -p 5213 -n 2 bind
    go_workload "$a" "$b" "$c"
    tracer_stop
    {
        echo "Tracing binds ... Hit Ctrl-C to end"
        echo
        printf '%-32s %20s     %-10s\n' LADDR LPORT BINDS
        printf '%-32s %20s     %-10s\n' 127.0.0.1 5212 5 127.0.0.1 5211 3 ::1 5213 2
    } >"$BATS_TEST_TMPDIR/want"
    diff "$BATS_TEST_TMPDIR/want" "$OUT"
}

@test "--json: one object per bind, agreeing with the text" {
    local a b
    tracer_start bindsnoop --json -E
    ns_workload a sockops -N "$MARK" -u -p 5214 -o R -d 1 -n 2 bind
    ns_workload b sockops -N "$MARK" -p 5215 bindbusy
    go_workload "$a" "$b"
    tracer_stop
    run jq -c "select(.pid == $a) | [.comm, .ret, .prot, .addr, .port, .opts, .if, .uid]" "$OUT"
    assert_output "[\"$MARK\",0,\"UDP\",\"127.0.0.1\",5214,\"...R.\",1,0]"$'\n'"[\"$MARK\",0,\"UDP\",\"127.0.0.1\",5214,\"...R.\",1,0]"
    run jq -c "select(.pid == $b) | [.ret, .addr, .port]" "$OUT"
    assert_output '[0,"127.0.0.1",5215]'$'\n''[-98,"0.0.0.0",0]'
    tracer_start bindsnoop --json --count -P 5216
    ns_workload a sockops -N "$MARK" -p 5216 -n 4 bind
    go_workload "$a"
    tracer_stop
    run jq -c . "$OUT"
    assert_output '{"laddr":"127.0.0.1","lport":5216,"binds":4}'
}

@test "bad options exit 2" {
    run_bct 2 bindsnoop -P abc
    run_bct 2 bindsnoop -x
    run_bct 2 bindsnoop 1
}
