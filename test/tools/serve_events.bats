#!/usr/bin/env bats
# bats file_tags=needs:bpf
# bcctool serve with event tools and funccount (issue 18): the event tools' events are counted,
# not printed, with their own filters applying (opensnoop -n in BPF, execsnoop -l in user
# space), and funccount's calls are a counter by function. Marked workloads make exactly N
# events (opens by a unique command name, execs with a unique argument, calls of a unique copy
# of test/workloads/funcdemo); a scrape checked by promtool must show exactly N, and no loss.
load ../helpers
load ../serve

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
}

teardown() {
    serve_stop_all
}

# until_val SERIES N: scrapes until SERIES reaches N (the poller drains every few ms)
until_val() {
    wait_for "$SPID" 300 sh -c "curl -sf 'http://127.0.0.1:$SPORT/metrics' |
        awk -v s='$1' -v n='$2' 'index(\$0, s \" \") == 1 && \$NF + 0 >= n + 0 { f = 1 } END { exit !f }'"
}

@test "serve opensnoop -n, execsnoop -l, funccount: exact event and call counts, no loss, --max-series, --json" {
    command -v promtool >/dev/null || skip "promtool (Debian's prometheus) is not installed"
    local N=23 E=9 C=7 m=sev$$ op ox ex fd
    : >"$T/o"
    cp /bin/true "$T/${m}x"
    cp "$(workload funcdemo)" "$T/${m}fd"
    # the marked opens, and as many by another command that -n must leave out
    bg_workload op opener -n "$N" -N "${m}op" "$T/o"
    bg_workload ox opener -n "$N" -N "x${m}" "$T/o"
    bg_workload ex execexit -n "$E" exec "$T/${m}x" "mark-$m"
    "$T/${m}fd" -w "$C" 0 >"$T/fd.out" &
    fd=$!
    BG+=("$fd")
    wait_for "$fd" 1000 grep -qx ready "$T/fd.out" || fail "funcdemo never got ready"
    # --max-series 5: the four event counters and one of funccount's two functions
    serve_local --json --max-series 5 opensnoop -n "${m}op" , execsnoop -l "mark-$m" , \
        funccount "$T/${m}fd:fd_*"
    scrape "$T/m0.txt"
    [ "$(val "$T/m0.txt" bcctool_opensnoop_events_total)" = 0 ]
    [ "$(val "$T/m0.txt" bcctool_execsnoop_events_total)" = 0 ]
    grep -q '^# TYPE bcctool_funccount_calls_total counter$' "$T/m0.txt"
    go_workload "$op" "$ox" "$ex" "$fd"
    until_val bcctool_opensnoop_events_total "$N" || fail "opensnoop never counted $N"
    until_val bcctool_execsnoop_events_total "$E" || fail "execsnoop never counted $E"
    scrape "$T/m.txt"
    grep -v '^#' "$T/m.txt" | grep -E 'snoop|funccount' || true

    grep -q '^# TYPE bcctool_opensnoop_events_total counter$' "$T/m.txt"
    grep -q '^# TYPE bcctool_opensnoop_lost_events_total counter$' "$T/m.txt"
    [ "$(val "$T/m.txt" bcctool_opensnoop_events_total)" = "$N" ]
    [ "$(val "$T/m.txt" bcctool_opensnoop_lost_events_total)" = 0 ]
    [ "$(val "$T/m.txt" bcctool_execsnoop_events_total)" = "$E" ]
    [ "$(val "$T/m.txt" bcctool_execsnoop_lost_events_total)" = 0 ]
    # the same count: by name, fd_inner first; fd_outer is left out by --max-series
    [ "$(val "$T/m.txt" 'bcctool_funccount_calls_total{func="fd_inner"}')" = "$C" ]
    [ "$(val "$T/m.txt" 'bcctool_funccount_calls_total{func="fd_outer"}')" = none ]
    [ "$(val "$T/m.txt" bcctool_serve_series_dropped)" -ge 1 ]
    # OpenMetrics names the counter families without _total, the samples keep it
    curl -sf -H 'Accept: application/openmetrics-text' "http://127.0.0.1:$SPORT/metrics" \
        >"$T/om.txt"
    grep -q '^# TYPE bcctool_execsnoop_events counter$' "$T/om.txt"
    grep -q "^bcctool_execsnoop_events_total $E\$" "$T/om.txt"
    [ "$(tail -n 1 "$T/om.txt")" = "# EOF" ]
    # the / page lists them
    run curl -sf "http://127.0.0.1:$SPORT/"
    assert_output --partial "<li>opensnoop -n ${m}op</li>"
    assert_output --partial "<li>execsnoop -l mark-$m</li>"

    kill -INT "$SPID"
    wait "$SPID"
    BG=()
    [ "$(grep -v '^serving ' "$T/serve.err")" = "" ] || fail "stderr: $(cat "$T/serve.err")"
    # --json: each scrape's objects on stdout, the last ones agreeing with the text
    jq -e . "$T/serve.out" >/dev/null
    [ "$(jq -rs "[.[] | select(.tool == \"opensnoop\")] | last | \"\(.events) \(.lost_events)\"" "$T/serve.out")" = "$N 0" ]
    [ "$(jq -rs "[.[] | select(.tool == \"execsnoop\")] | last | .events" "$T/serve.out")" = "$E" ]
    [ "$(jq -rs "[.[] | select(.tool == \"funccount\" and .func == \"fd_inner\")] | last | .calls" "$T/serve.out")" = "$C" ]
    [ "$(jq -rs "[.[] | select(.tool == \"funccount\" and .func == \"fd_outer\")] | last | .calls" "$T/serve.out")" = "$C" ]
}

@test "serve opensnoop -b 1 alone: a flood overflows its buffer; events and lost events add up to the opens" {
    command -v promtool >/dev/null || skip "promtool (Debian's prometheus) is not installed"
    local N=30000 op m=sevb$$
    run_bct serve --help
    assert_output --partial "Event tools (their event and lost-event counts):"
    assert_output --regexp "counts\\):.* opensnoop .*execsnoop"
    : >"$T/o"
    bg_workload op opener -n "$N" -N "$m" "$T/o"
    # one page per CPU: a few dozen opens fill it, and the opens come faster than a drain
    serve_local opensnoop -b 1 -n "$m"
    go_workload "$op"
    # the loss is reported within a second of it
    wait_for "$SPID" 300 sh -c "curl -sf 'http://127.0.0.1:$SPORT/metrics' | awk '
        /^bcctool_opensnoop_(lost_)?events_total / { n += \$2 } END { exit n != $N }'" ||
        fail "events and lost events never added up to $N"
    scrape "$T/m.txt"
    grep '^bcctool_opensnoop' "$T/m.txt"
    e=$(val "$T/m.txt" bcctool_opensnoop_events_total)
    l=$(val "$T/m.txt" bcctool_opensnoop_lost_events_total)
    [ "$((e + l))" = "$N" ]
    [ "$l" -gt 0 ]
    [ "$e" -gt 0 ]
    kill -TERM "$SPID"
    wait "$SPID"
    BG=()
    [ "$(grep -v '^serving ' "$T/serve.err")" = "" ] || fail "stderr: $(cat "$T/serve.err")"
    [ ! -s "$T/serve.out" ] || fail "stdout: $(cat "$T/serve.out")"
}
