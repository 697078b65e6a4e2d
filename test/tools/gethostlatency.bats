#!/usr/bin/env bats
# bats file_tags=needs:bpf
# gethostlatency with real look-ups: test/workloads/resolver looks "localhost" up N times with
# each libc function asked for, under a marked command name; each test counts the lines of
# that workload's PID (other programs' look-ups may show too).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=25

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=ghl$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool gethostlatency ARGS" in the background, output in $OUT and
# $ERR; returns once the header is out (printed after the probes are attached), or under
# --json, which has no header, once a look-up of a process of its own shows.
start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool gethostlatency $*"
    "$BCCTOOL" gethostlatency "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    local ready=(test -s "$OUT")
    [[ " $* " != *" --json "* ]] || ready=(warm_up)
    wait_for "$TRACER" 3000 "${ready[@]}" || { cat "$ERR" >&2; fail "no header from the tracer"; }
}

warm_up() {
    "$(workload resolver)" -n 1 localhost getaddrinfo && test -s "$OUT"
}

# stop_trace: after the tracer's next drain, SIGINT; it must exit 0 with nothing on stderr.
stop_trace() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "gethostlatency exited $rc"
    [ ! -s "$ERR" ] || fail "gethostlatency wrote to stderr: $(cat "$ERR")"
}

@test "N getaddrinfo() calls: N lines of the workload's PID with BCC's columns" {
    local wl
    bg_workload wl resolver -N "$MARK" -n "$N" localhost getaddrinfo
    start_trace
    go_workload "$wl"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "TIME      PID     COMM                  LATms HOST"
    # "%-9s %-7d %-16s %10.2f %s"
    run awk -v p="$wl" '$2 == p' "$OUT"
    echo "$output"
    assert_equal "${#lines[@]}" "$N"
    run grep -cE "^[0-9]{2}:[0-9]{2}:[0-9]{2}  $wl +$MARK +[0-9]+\.[0-9]{2} localhost\$" "$OUT"
    assert_output "$N"
    # column positions: one space after each of TIME, PID, COMM and LATms; HOST from 47
    assert_equal "$(awk -v p="$wl" '$2 == p && substr($0, 47) != "localhost"' "$OUT" | wc -l)" 0
    assert_equal "$(awk -v p="$wl" '$2 == p' "$OUT" | cut -c 10,18,35,46 | sort -u)" "    "
}

@test "gethostbyname() and gethostbyname2() are timed too" {
    local wl
    bg_workload wl resolver -N "$MARK" -n "$N" localhost gethostbyname gethostbyname2 getaddrinfo
    start_trace --json
    go_workload "$wl"
    stop_trace
    local c
    for c in getaddrinfo gethostbyname gethostbyname2; do
        run jq -c --argjson p "$wl" --arg c "$c" 'select(.pid == $p and .call == $c)' "$OUT"
        assert_equal "${#lines[@]}" "$N"
    done
}

@test "-p PID: only that process's look-ups" {
    local wl1 wl2
    bg_workload wl1 resolver -N "$MARK" -n "$N" localhost getaddrinfo
    bg_workload wl2 resolver -N "$MARK" -n "$N" localhost getaddrinfo
    start_trace -p "$wl1"
    go_workload "$wl1" "$wl2"
    stop_trace
    assert_equal "$(awk -v p="$wl1" '$2 == p' "$OUT" | wc -l)" "$N"
    assert_equal "$(tail -n +2 "$OUT" | awk -v p="$wl1" '$2 != p' | wc -l)" 0
}

@test "--json: one object per look-up, agreeing with the text" {
    local wl
    bg_workload wl resolver -N "$MARK" -n "$N" localhost getaddrinfo
    start_trace --json
    go_workload "$wl"
    stop_trace
    jq -e . "$OUT" >/dev/null
    run jq -c --argjson p "$wl" 'select(.pid == $p)' "$OUT"
    assert_equal "${#lines[@]}" "$N"
    run jq -r --argjson p "$wl" 'select(.pid == $p) |
        [(.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$")), (.tid == $p), .comm, .call,
         (.lat_ms | type), (.lat_ms >= 0), .host] | @tsv' "$OUT"
    assert_equal "$(printf '%s\n' "${lines[@]}" | sort -u)" \
        "$(printf 'true\ttrue\t%s\tgetaddrinfo\tnumber\ttrue\tlocalhost' "$MARK")"
}

@test "-p of a process that does not exist fails" {
    run_bct '?' gethostlatency -p 999999
    [ "$status" -ne 0 ]
    [[ "$output" != *LATms* ]]
}
