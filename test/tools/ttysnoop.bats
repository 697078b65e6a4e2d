#!/usr/bin/env bats
# bats file_tags=needs:bpf
# ttysnoop with real writes: test/workloads/ttywriter opens two ptys of its own (A and B) and
# writes N marked lines to A with write(2), N with writev(2), and N to B; each test counts the
# marked lines the tracer of A printed. Tracers run in the background; teardown kills what a
# test left.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=20

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=tty$$x$BATS_TEST_NUMBER
    bg_workload WRITER ttywriter -n "$N" -o "$T/pts" "$MARK"
    read -r PTS_A PTS_B <"$T/pts"
}

teardown() {
    bg_kill
}

# start_tty ARGS...: "bcctool ttysnoop ARGS" in the background, output in $OUT and $ERR;
# returns once its two programs (write, writev) are attached.
start_tty() {
    local i links
    OUT=$T/tty.out
    ERR=$T/tty.err
    echo "\$ bcctool ttysnoop $*"
    "$BCCTOOL" ttysnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    for ((i = 0; i < 3000; i++)); do
        links=$(ls -l "/proc/$TRACER/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
        [ "$links" -ge 2 ] && return 0
        kill -0 "$TRACER" 2>/dev/null || { cat "$ERR" >&2; fail "ttysnoop $* exited early"; }
        sleep 0.01
    done
    fail "ttysnoop $* never got ready"
}

# stop_tty: SIGINT after the tracer's next drain; it must exit 0 with nothing on stderr.
stop_tty() {
    local rc=0
    sleep 0.1
    kill -INT "$TRACER"
    wait "$TRACER" || rc=$?
    echo "--- ttysnoop (exit $rc):"
    cat -v "$OUT"
    echo "--- stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "ttysnoop exited $rc"
    [ ! -s "$ERR" ] || fail "ttysnoop wrote to stderr"
}

@test "N write(2) and N writev(2) to the pty: each marked line exactly N times, after a clear" {
    start_tty "$PTS_A"
    go_workload "$WRITER"
    stop_tty
    # BCC runs clear(1) first: the screen-clearing sequence, then only what was written
    [ "$(head -c 11 "$OUT" | od -An -c | tr -d ' \n')" = '033[H033[2J033[3J' ] || fail "no clear sequence first"
    assert_equal "$(grep -cx -- "$MARK-w" <(tail -c +12 "$OUT"))" "$N"
    assert_equal "$(grep -cx -- "$MARK-v" <(tail -c +12 "$OUT"))" "$N"
    # the other pty's writes are not shown
    assert_equal "$(grep -c -- "$MARK-x" "$OUT")" 0
}

@test "a pts number is /dev/pts/N; -C: no clear, the bytes exactly as written" {
    start_tty -C "${PTS_A#/dev/pts/}"
    go_workload "$WRITER"
    stop_tty
    # exactly the writes, in order, nothing else (raw: no header, no escapes)
    printf -v want '%s-w\n%s-v\n' "$MARK" "$MARK"
    diff <(for ((i = 0; i < N; i++)); do printf '%s' "$want"; done) "$OUT"
}

@test "the other pty: only its writes" {
    start_tty -C "$PTS_B"
    go_workload "$WRITER"
    stop_tty
    assert_equal "$(grep -cx -- "$MARK-x" "$OUT")" "$N"
    assert_equal "$(grep -v -cx -- "$MARK-x" "$OUT")" 0
}

@test "-s and -c: at most SIZE bytes times COUNT reads of each write" {
    # "MARK-w\n" is longer than 4: one read of 4 bytes keeps its first 4, two keep 8
    start_tty -C -s 4 -c 2 "$PTS_A"
    go_workload "$WRITER"
    stop_tty
    local want
    printf -v want '%s' "${MARK:0:8}"
    diff <(for ((i = 0; i < 2 * N; i++)); do printf '%s' "$want"; done) "$OUT"
}

@test "--json: one object per write, data as written" {
    start_tty --json "$PTS_A"
    go_workload "$WRITER"
    stop_tty
    run jq -c 'select(type != "object")' "$OUT"
    assert_output ""
    assert_equal "$(jq -c --arg d "$MARK-w"$'\n' --argjson p "$WRITER" 'select(.data == $d and .pid == $p and .tid == $p and .comm == "ttywriter")' "$OUT" | wc -l)" "$N"
    assert_equal "$(jq -c --arg d "$MARK-v"$'\n' 'select(.data == $d)' "$OUT" | wc -l)" "$N"
    assert_equal "$(wc -l <"$OUT")" $((2 * N))
    run jq -r 'keys_unsorted | join(",")' "$OUT"
    assert_equal "$(printf '%s\n' "$output" | sort -u)" "pid,tid,comm,data"
}

@test "a device that does not exist: BCC's message and exit 0" {
    run_bct ttysnoop /dev/pts/999999
    assert_success
    assert_output "Unable to read device /dev/pts/999999. Exiting."
    run_bct ttysnoop 999998
    assert_success
    assert_output "Unable to read device /dev/pts/999998. Exiting."
}

@test "usage errors exit 2: no device, bad -s, bad -c, two devices" {
    run_bct 2 ttysnoop
    assert_output --partial "the following arguments are required: device"
    run_bct 2 ttysnoop -s 0 "$PTS_A"
    run_bct 2 ttysnoop -c x "$PTS_A"
    run_bct 2 ttysnoop "$PTS_A" "$PTS_B"
    run_bct 2 ttysnoop --bogus "$PTS_A"
}
