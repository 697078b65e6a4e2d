#!/usr/bin/env bats
# bats file_tags=needs:bpf
# execsnoop with real events: test/workloads/execexit runs N children that exec a copy of
# /bin/true with a unique name and marked arguments, or fail to exec a missing path; each test
# counts the lines the tracer printed for those names and marks.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=20

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    NAME=xs${BATS_TEST_NUMBER}_$$ # the copy's comm: at most 15 characters
    BIN=$T/$NAME
    cp /bin/true "$BIN"
    MARK=mark-$$-$BATS_TEST_NUMBER
    MISSING=$T/missing-$$
    FAILCOMM=xf${BATS_TEST_NUMBER}_$$
    BG=()
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool execsnoop ARGS" in the background, output in $OUT and $ERR;
# returns once the header is out (printed after the programs are attached).
start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool execsnoop $*"
    "$BCCTOOL" execsnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header"; }
}

# start_trace_json ARGS...: --json has no header: execs a marker until the tracer shows it.
start_trace_json() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool execsnoop $*"
    "$BCCTOOL" execsnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 sh -c "'$BIN' ready-$$; grep -q ready-$$ '$OUT'" ||
        { cat "$ERR" >&2; fail "tracer never showed the ready marker"; }
}

# stop_trace: SIGINT, then the tracer must exit 0 with nothing on stderr.
stop_trace() {
    sleep 0.05 # the tracer drains every few ms
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "execsnoop exited $rc"
    [ ! -s "$ERR" ] || fail "execsnoop wrote to stderr: $(cat "$ERR")"
}

# count REGEX: lines of the trace matching the extended regex
count() {
    grep -cE -- "$1" "$OUT" || true
}

@test "N execs: one line each with PCOMM, PID, PPID, RET 0 and the arguments; failed ones hidden" {
    bg_workload W execexit -N "$FAILCOMM" -n "$N" exec "$BIN" "$MARK" two words
    bg_workload F execexit -N "$FAILCOMM" -n "$N" fail "$MISSING" "$MARK"
    start_trace
    go_workload "$W" "$F"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "PCOMM            PID     PPID    RET ARGS"
    assert_equal "$(count " $BIN $MARK two words\$")" "$N"
    # every one: the new program's name, a PID of its own, the workload as parent, RET 0
    assert_equal "$(awk -v n="$NAME" -v w="$W" -v m="$MARK" \
        '$1 == n && $3 == w && $4 == 0 && $6 == m { print $2 }' "$OUT" | sort -u | wc -l)" "$N"
    # the exact layout of one line: %-16s %-7d %-7s %3d %s
    run grep -m1 -E "^$NAME +[0-9]+ +$W +0 $BIN $MARK two words\$" "$OUT"
    assert_success
    line=$output
    pid=$(awk '{ print $2 }' <<<"$line")
    assert_equal "$line" "$(printf '%-16s %-7d %-7s %3d %s' "$NAME" "$pid" "$W" 0 "$BIN $MARK two words")"
    assert_equal "$(count "$MISSING")" 0
}

@test "-x: failed execs too, with RET -2 and the caller's name" {
    bg_workload W execexit -N "$FAILCOMM" -n "$N" exec "$BIN" "$MARK"
    bg_workload F execexit -N "$FAILCOMM" -n "$N" fail "$MISSING" "$MARK"
    start_trace -x
    go_workload "$W" "$F"
    stop_trace
    assert_equal "$(count "^$NAME +[0-9]+ +$W +0 $BIN $MARK\$")" "$N"
    assert_equal "$(count "^$FAILCOMM +[0-9]+ +$F +-2 $MISSING $MARK\$")" "$N"
}

@test "-n NAME (regex on the command name) and -l LINE (regex on the arguments)" {
    bg_workload W execexit -N "$FAILCOMM" -n "$N" exec "$BIN" "$MARK-a"
    bg_workload V execexit -N "$FAILCOMM" -n "$N" exec "$BIN" "$MARK-b"
    bg_workload F execexit -N "$FAILCOMM" -n "$N" fail "$MISSING" "$MARK-a"
    start_trace -x -n "^xs${BATS_TEST_NUMBER}_[0-9]+\$"
    go_workload "$W" "$V" "$F"
    stop_trace
    assert_equal "$(count " $MARK-a\$")" "$N" # only the copy's execs, not the failed ones
    assert_equal "$(count " $MARK-b\$")" "$N"
    assert_equal "$(count "$MISSING")" 0

    bg_workload W execexit -N "$FAILCOMM" -n "$N" exec "$BIN" "$MARK-a"
    bg_workload V execexit -N "$FAILCOMM" -n "$N" exec "$BIN" "$MARK-b"
    start_trace -l "$MARK-(b|c)"
    go_workload "$W" "$V"
    stop_trace
    assert_equal "$(count " $MARK-a\$")" 0
    assert_equal "$(count " $MARK-b\$")" "$N"
}

@test "-q quotes the arguments, --max-args cuts them with ..., newlines show as \\n" {
    bg_workload W execexit -n "$N" exec "$BIN" "$MARK" 'say "hi"' $'two\nlines' a4 a5
    start_trace -q
    go_workload "$W"
    stop_trace
    assert_equal "$(grep -cF "\"$BIN\" \"$MARK\" \"say \\\"hi\\\"\" \"two\\nlines\" \"a4\" \"a5\"" "$OUT")" "$N"

    bg_workload W execexit -n "$N" exec "$BIN" "$MARK" a2 a3 a4
    start_trace --max-args 3
    go_workload "$W"
    stop_trace
    assert_equal "$(count " $BIN $MARK a2 \\.\\.\\.\$")" "$N"
    # exactly --max-args arguments: nothing left out, no ...
    bg_workload W execexit -n "$N" exec "$BIN" "$MARK" a2
    start_trace --max-args 3
    go_workload "$W"
    stop_trace
    assert_equal "$(count " $BIN $MARK a2\$")" "$N"
}

@test "-T -t -U: BCC's TIME, TIME(s) and UID columns" {
    bg_workload W execexit -n "$N" exec "$BIN" "$MARK"
    start_trace -T -t -U
    go_workload "$W"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "TIME     TIME(s) UID   PCOMM            PID     PPID    RET ARGS"
    assert_equal "$(count "^[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]+\\.[0-9]{3} +0 +$NAME +[0-9]+ +$W +0 $BIN $MARK\$")" "$N"
}

@test "-u USER/UID and -P PPID keep exactly the matching execs" {
    bg_workload W execexit -n "$N" exec "$BIN" "$MARK"
    start_trace -u root -P "$W"
    go_workload "$W"
    stop_trace
    assert_equal "$(count " $BIN $MARK\$")" "$N"

    bg_workload W execexit -n "$N" exec "$BIN" "$MARK"
    start_trace -P 1
    go_workload "$W"
    stop_trace
    assert_equal "$(count " $BIN $MARK\$")" 0

    bg_workload W execexit -n "$N" exec "$BIN" "$MARK"
    start_trace -u 65534
    go_workload "$W"
    stop_trace
    assert_equal "$(count " $BIN $MARK\$")" 0

    run_bct 2 execsnoop -u no-such-user-here
    assert_output --partial "'no-such-user-here' is not valid UID or user entry"
    run_bct 2 execsnoop -l '('
    assert_output --partial "invalid regular expression"
}

@test "--json: one object per exec that agrees with the text" {
    command -v jq >/dev/null || skip "jq is not installed"
    bg_workload W execexit -N "$FAILCOMM" -n "$N" exec "$BIN" "$MARK" 'a b'
    bg_workload F execexit -N "$FAILCOMM" -n "$N" fail "$MISSING" "$MARK"
    start_trace_json --json -x
    go_workload "$W" "$F"
    stop_trace
    run jq -e -c 'type == "object"' "$OUT"
    assert_success
    run jq -r --arg b "$BIN $MARK a b" --arg w "$W" \
        'select(.args == $b) | [.comm, .ret, (.ppid | tostring) == $w, .uid, (.pid > 0), (.ts > 0)] | @tsv' "$OUT"
    assert_equal "$(sort -u <<<"$output")" "$(printf '%s\t0\ttrue\t0\ttrue\ttrue' "$NAME")"
    assert_equal "${#lines[@]}" "$N"
    assert_equal "$(jq -r --arg b "$MISSING $MARK" 'select(.args == $b) | .ret' "$OUT" | grep -cx -- -2)" "$N"
}

@test "long command lines: every argument (cut to 127 bytes), in either transport" {
    local a100 a200 want
    a100=$(printf 'a%.0s' {1..100})
    a200=$(printf 'b%.0s' {1..200})
    want="$BIN $MARK $a100 $a100 $a100 $a100 $a100 $a100 ${a200:0:127}"
    for env in X=1 BCCTOOL_NO_RINGBUF=1; do
        bg_workload W execexit -n "$N" exec "$BIN" "$MARK" "$a100" "$a100" "$a100" "$a100" \
            "$a100" "$a100" "$a200"
        # BCCTOOL_NO_RINGBUF=1: the perf-buffer transport; -P: no other exec fills its buffers
        eval "$env start_trace -P $W"
        go_workload "$W"
        stop_trace
        assert_equal "$(grep -c -- " $want\$" "$OUT")" "$N"
    done
}
