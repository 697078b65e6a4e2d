#!/usr/bin/env bats
# bats file_tags=needs:bpf
# sigsnoop with real events: test/workloads/sigsender makes N kill(2), tkill(2) or tgkill(2)
# calls under a marked command name, to a target of the test's own (a sleep, which ignores
# SIGWINCH, SIGURG and SIGCONT) and to a PID that cannot exist (2147483647: ESRCH, so no
# signal is generated); each test counts the lines of that command.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=40
NOPID=2147483647

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=sgsnp$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
    sleep 1000 &
    TGT=$!
    BG+=("$TGT")
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool sigsnoop ARGS" in the background, output in $OUT and $ERR;
# returns once the header is out (printed after the program is attached).
start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool sigsnoop $*"
    "$BCCTOOL" sigsnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header from the tracer"; }
}

# stop_trace: after the tracer's next drain, SIGINT; it must exit 0 with nothing on stderr.
stop_trace() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "sigsnoop exited $rc"
    [ ! -s "$ERR" ] || fail "sigsnoop wrote to stderr: $(cat "$ERR")"
}

# send ARGS...: the marked sigsender (N calls per PID SIG pair), run to its end; PID in SENDER.
send() {
    bg_workload SENDER sigsender -N "$MARK" -n "$N" "$@"
    go_workload "$SENDER"
}

# lines: the trace lines of the marked command
lines() {
    awk -v c="$MARK" '$3 == c' "$OUT"
}

@test "every generated signal: N lines with libbpf-tools' columns and widths" {
    start_trace
    send "$TGT" 28 "$NOPID" 28
    stop_trace
    assert_equal "$(head -1 "$OUT")" "TIME     PID     COMM             SIG       TPID    RESULT"
    # the failed kills generate no signal; the sender's exit sends SIGCHLD to its parent
    assert_equal "$(lines | wc -l)" $((N + 1))
    assert_equal "$(lines | awk -v p="$SENDER" -v t="$TGT" '$2 == p && $4 == 28 && $5 == t && $6 == 0' | wc -l)" "$N"
    assert_equal "$(lines | awk -v p="$SENDER" -v t="$$" '$2 == p && $4 == 17 && $5 == t && $6 == 0' | wc -l)" 1
    # the exact layout, "%-8s %-7d %-16s %-9d %-7d %-6d"
    printf -v want ' %-7s %-16s %-9s %-7s %-6s' "$SENDER" "$MARK" 28 "$TGT" 0
    assert_equal "$(lines | awk '$4 == 28' | cut -c9- | sort -u)" "$want"
}

@test "-k: kill, tkill and tgkill calls, failed ones too; -x keeps the failed" {
    start_trace -k
    send "$TGT" 28 "$NOPID" 28
    send -m tkill "$TGT" 23
    send -m tgkill "$TGT" 18
    stop_trace
    assert_equal "$(lines | wc -l)" $((4 * N))
    assert_equal "$(lines | awk -v t="$TGT" '$4 == 28 && $5 == t && $6 == 0' | wc -l)" "$N"
    assert_equal "$(lines | awk -v t="$NOPID" '$4 == 28 && $5 == t && $6 == -3' | wc -l)" "$N"
    assert_equal "$(lines | awk -v t="$TGT" '$4 == 23 && $5 == t && $6 == 0' | wc -l)" "$N"
    assert_equal "$(lines | awk -v t="$TGT" '$4 == 18 && $5 == t && $6 == 0' | wc -l)" "$N"

    start_trace -k -x
    send "$TGT" 28 "$NOPID" 28
    stop_trace
    assert_equal "$(lines | wc -l)" "$N"
    run awk 'NR > 1 && $6 >= 0' "$OUT"
    assert_output ""
}

@test "-n shows names for the standard signals, numbers for the others" {
    start_trace -k -n
    send "$TGT" 28 "$NOPID" 40 "$TGT" 0
    stop_trace
    assert_equal "$(lines | awk '$4 == "SIGWINCH"' | wc -l)" "$N"
    assert_equal "$(lines | awk '$4 == "40" && $6 == -3' | wc -l)" "$N"
    assert_equal "$(lines | awk '$4 == "N/A"' | wc -l)" "$N"
    assert_equal "$(lines | wc -l)" $((3 * N))
}

@test "-s keeps exactly the signals listed, by number or name" {
    start_trace -s 28,URG
    send "$TGT" 28 "$TGT" 23 "$TGT" 18
    stop_trace
    assert_equal "$(lines | wc -l)" $((2 * N))
    run awk 'NR > 1 && $4 != 28 && $4 != 23' "$OUT"
    assert_output ""
}

@test "-p keeps exactly the signals of that sender" {
    local a b
    bg_workload a sigsender -N "$MARK" -n "$N" "$TGT" 28
    bg_workload b sigsender -N "$MARK" -n "$N" "$TGT" 28
    start_trace -p "$a"
    go_workload "$a" "$b"
    stop_trace
    # N signals, and the SIGCHLD of its exit
    assert_equal "$(lines | wc -l)" $((N + 1))
    run awk -v p="$a" 'NR > 1 && $2 != p' "$OUT"
    assert_output ""
}

@test "--json with --exec: one object per signal, with number and name" {
    local w
    w=$(workload sigsender)
    run_bct sigsnoop --json -k --exec "$w" -N "$MARK" -n "$N" "$TGT" 28 "$NOPID" 40
    # the workload's own "sent" line shares stdout
    printf '%s\n' "$output" | grep -v '^sent ' >"$T/json"
    run jq -c 'select(type != "object")' "$T/json"
    assert_success
    assert_output ""
    assert_equal "$(jq -c --arg c "$MARK" --argjson t "$TGT" 'select(.comm == $c and .tpid == $t and .sig == 28 and .signame == "SIGWINCH" and .result == 0)' "$T/json" | wc -l)" "$N"
    assert_equal "$(jq -c --arg c "$MARK" --argjson t "$NOPID" 'select(.comm == $c and .tpid == $t and .sig == 40 and (has("signame") | not) and .result == -3)' "$T/json" | wc -l)" "$N"
    run jq -r 'keys_unsorted | join(",")' "$T/json"
    assert_line "time,pid,comm,sig,signame,tpid,result"
    assert_line "time,pid,comm,sig,tpid,result"
}

@test "--ebpf shows the filters as defines; bad values are usage errors" {
    run_bct sigsnoop --ebpf -k -x -s 1,KILL,64 -p 1
    assert_line --partial "#define SIGSNOOP_KILL"
    assert_line --partial "#define FILTER_FAILED"
    assert_line --partial "#define FILTER_SIGS 0x8000000000000101ULL"
    assert_line --partial "#define FILTER_PID 1"
    run_bct sigsnoop --ebpf
    refute_line --partial "#define SIGSNOOP_KILL"
    run_bct 2 sigsnoop -s 0
    assert_output --partial "invalid signal: '0'"
    run_bct 2 sigsnoop -s 9,NOPE
    assert_output --partial "invalid signal: 'NOPE'"
    run_bct 2 sigsnoop -p 0
    run_bct 2 sigsnoop extra
}
