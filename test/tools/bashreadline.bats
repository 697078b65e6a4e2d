#!/usr/bin/env bats
# bats file_tags=needs:bpf
# bashreadline with real command lines: an interactive bash on a pseudo-terminal (script(1))
# is typed uniquely marked lines; each test looks for its own marks (other shells may show).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    command -v script >/dev/null || skip "script (util-linux) is not installed"
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=brl$$_$BATS_TEST_NUMBER
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool bashreadline ARGS" in the background, output in $OUT and $ERR;
# returns once the header is out (printed after the probe is attached), or under --json, which
# has no header, once a line typed into a shell of its own shows.
start_trace() {
    OUT=$T/trace.out
    ERR=$T/trace.err
    echo "\$ bcctool bashreadline $*"
    "$BCCTOOL" bashreadline "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    local ready=(test -s "$OUT")
    [[ " $* " != *" --json "* ]] || ready=(warm_up)
    wait_for "$TRACER" 3000 "${ready[@]}" || { cat "$ERR" >&2; fail "no output from the tracer"; }
}

warm_up() {
    type_lines ": warm-up" && test -s "$OUT"
}

# type_lines LINE...: an interactive bash on a pty reads each line with readline, then exits.
type_lines() {
    local l
    {
        for l in "$@" exit; do
            sleep 0.05
            printf '%s\n' "$l"
        done
    } | script -qc "bash --norc --noprofile -i" /dev/null >/dev/null
}

stop_trace() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    cat "$OUT"
    [ "$rc" -eq 0 ] || fail "bashreadline exited $rc"
    [ ! -s "$ERR" ] || fail "bashreadline wrote to stderr: $(cat "$ERR")"
}

@test "typed command lines show with the shell's PID, in BCC's columns" {
    start_trace
    type_lines "echo \$\$ >$T/pid # $MARK" ": $MARK two words" ": $MARK third"
    stop_trace
    local pid
    pid=$(cat "$T/pid")
    assert_equal "$(head -1 "$OUT")" "TIME      PID     COMMAND"
    # "%-9s %-7d %s"
    run grep -F "$MARK" "$OUT"
    assert_equal "${#lines[@]}" 3
    printf -v want '%-7s %s' "$pid" "echo \$\$ >$T/pid # $MARK"
    assert_equal "$(grep -F "# $MARK" "$OUT" | cut -c 11-)" "$want"
    printf -v want '%-7s %s' "$pid" ": $MARK two words"
    assert_equal "$(grep -F ": $MARK two" "$OUT" | cut -c 11-)" "$want"
    run grep -cE "^[0-9]{2}:[0-9]{2}:[0-9]{2}  $pid +: $MARK third\$" "$OUT"
    assert_output 1
}

@test "lines longer than 79 characters are cut, as in BCC" {
    local long
    long=": $MARK $(printf 'x%.0s' {1..120})"
    start_trace
    type_lines "$long"
    stop_trace
    assert_equal "$(grep -F "$MARK" "$OUT" | cut -c 19-)" "${long:0:79}"
}

@test "--json: one object per line read" {
    start_trace --json
    type_lines ": $MARK json"
    stop_trace
    jq -e . "$OUT" >/dev/null
    run jq -r --arg m ": $MARK json" 'select(.command == $m) |
        [(.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$")), (.pid | type), (.uid | type)] | @tsv' "$OUT"
    assert_output "$(printf 'true\tnumber\tnumber')"
}

@test "-s LIB: readline in a library; a missing library or symbol is an error" {
    run_bct 1 bashreadline -s /no/such/libreadline.so
    [[ "$output" == *"/no/such/libreadline.so"* ]]
    run_bct 1 bashreadline -s /bin/true
    [[ "$output" == *"readline"* ]]
    local lib
    lib=$(ldconfig -p | awk '/libreadline\.so/ && /x86-64|64/ { print $NF; exit }')
    [ -n "$lib" ] || skip "no libreadline installed"
    BCT_TIMEOUT=2 run_bct 0 bashreadline -s "$lib"
    assert_equal "${lines[0]}" "TIME      PID     COMMAND"
}
