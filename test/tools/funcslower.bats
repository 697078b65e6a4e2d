#!/usr/bin/env bats
# funcslower: user function calls slower than a threshold (test/workloads/funcdemo.c:
# "funcdemo N MS LINGER" calls fd_outer() -> fd_inner(MS) N times, fd_inner sleeping MS ms and
# returning MS; test/workloads/usdtdemo.c's demo_work() is fast). Each test traces its own copy.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

own_copy() {
    local w
    w=$(workload "$1") || return 1
    cp "$w" "$BATS_TEST_TMPDIR/$1"
    echo "$BATS_TEST_TMPDIR/$1"
}

@test "-m: only calls above the threshold, BCC's columns" {
    local d u
    d=$(own_copy funcdemo)
    u=$(own_copy usdtdemo)
    # 40 ms calls over the threshold, 1 ms ones under it (with room for a loaded machine)
    tracer_start funcslower -m 25 "$d:fd_inner" "$u:demo_work"
    "$d" 3 40 >/dev/null
    "$d" 2 1 >/dev/null
    "$u" 5 >/dev/null
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = 'Tracing function calls slower than 25 ms... Ctrl+C to quit.' ]
    [ "$(sed -n 2p "$OUT")" = "$(printf '%-14s %-6s %7s %16s %s' COMM PID 'LAT(ms)' RVAL FUNC)" ]
    [ "$(wc -l <"$OUT")" -eq 5 ]
    [ "$(grep -cE "^funcdemo +[0-9]+ +([4-9][0-9]|[0-9]{3,})\.[0-9]{2} +28 $d:fd_inner \$" "$OUT")" -eq 3 ]
}

@test "-u -a -t: microseconds, arguments as hex, a seconds column" {
    local d
    d=$(own_copy funcdemo)
    tracer_start funcslower -u 5000 -a 1 -t "$d:fd_inner"
    "$d" 2 20 >/dev/null
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = 'Tracing function calls slower than 5000 us... Ctrl+C to quit.' ]
    [ "$(sed -n 2p "$OUT")" = "$(printf '%-10s %-14s %-6s %7s %16s %s' TIME COMM PID 'LAT(us)' RVAL 'FUNC ARGS')" ]
    [ "$(grep -cE "^[0-9]\.[0-9]{6} +funcdemo +[0-9]+ +([2-9][0-9]{4}|[0-9]{6,})\.[0-9]{2} +14 $d:fd_inner 0x14\$" "$OUT")" -eq 2 ]
    [ "$(sed -n 3p "$OUT" | cut -c1-10)" = '0.000000  ' ]
}

@test "-U: the user stack under the row; -f: folded" {
    local d
    d=$(own_copy funcdemo)
    tracer_start funcslower -U -m 5 "$d:fd_inner"
    "$d" 1 10 500 >/dev/null
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 4p "$OUT")" = '    fd_inner' ]
    grep -qx '    main' "$OUT"
    # -f prints nothing before the first stack: wait for the probes' links
    "$BCCTOOL" funcslower -f -U -m 5 "$d:fd_inner" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 has_bpf_links "$TRACER" 2 || fail "the tracer never attached"
    "$d" 1 10 500 >/dev/null
    tracer_stop
    cat "$OUT"
    [ "$(wc -l <"$OUT")" -eq 1 ]
    grep -qE '^funcdemo;(.*;)?main;(fd_outer;)?fd_inner 1$' "$OUT"
}

@test "--json: one object per slow call" {
    local d
    d=$(own_copy funcdemo)
    tracer_start funcslower --json -a 2 -m 5 "$d:fd_inner"
    "$d" 2 10 >/dev/null
    tracer_stop
    cat "$OUT"
    [ "$(wc -l <"$OUT")" -eq 2 ]
    jq -se "all(.comm == \"funcdemo\" and .retval == 10 and .lat_ms >= 10 and
        .func == \"$d:fd_inner\" and (.args | startswith(\"0xa \")))" "$OUT"
}

@test "errors: kernel functions, libraries, functions; bad options exit 2" {
    local d
    d=$(workload funcdemo)
    BCT_RUN_FLAGS=--separate-stderr
    run_bct 1 funcslower nolib:foo
    [ "$stderr" = 'funcslower: unable to find library nolib' ]
    run_bct 1 funcslower "$d:nosuchfunc"
    [ "$stderr" = "funcslower: can't find function 'nosuchfunc' in $d" ]
    run_bct 1 funcslower 'a:b:c'
    [ "${#stderr_lines[@]}" -eq 1 ]
    if [ ! -e /sys/bus/event_source/devices/kprobe ]; then
        run_bct 1 funcslower vfs_write
        [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == *"this kernel has no kprobes"* ]]
    fi
    run_bct 2 funcslower -m x "$d:fd_inner"
    run_bct 2 funcslower -a 9 "$d:fd_inner"
    run_bct 2 funcslower
}
