#!/usr/bin/env bats
# bats file_tags=needs:bpf
# fileslower with real events: test/workloads/rwer makes R reads and W writes of 4 KiB on a
# file of its own (read/pread and write/pwrite in turn) and K slow reads of a named pipe (each
# waits for a byte its child writes MS later); the tracer, filtered to the workload with -p,
# must show exactly the calls its threshold and file-type rule let through.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
R=6
W=4

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=fslo$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
    FILE=$T/$MARK.dat
    FIFO=$T/$MARK.fifo
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool fileslower ARGS" in the background, output in $OUT and $ERR;
# returns once attached: its header, or under --json once it holds its 8 BPF links.
start_trace() {
    local i links
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/trace.$SEQ.out
    ERR=$T/trace.$SEQ.err
    echo "\$ bcctool fileslower $*"
    "$BCCTOOL" fileslower "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    for ((i = 0; i < 3000; i++)); do
        if [ -n "${JSON-}" ]; then
            links=$(ls -l "/proc/$TRACER/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge 8 ] && return 0
        elif grep -q '^TIME(s) ' "$OUT" 2>/dev/null; then
            return 0
        fi
        kill -0 "$TRACER" 2>/dev/null || { cat "$ERR" >&2; fail "fileslower $* exited early"; }
        sleep 0.01
    done
    fail "fileslower $* never got ready"
}

stop_trace() {
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    cat "$OUT"
    [ "$rc" -eq 0 ] || fail "fileslower exited $rc"
    [ ! -s "$ERR" ] || fail "fileslower wrote to stderr: $(cat "$ERR")"
}

@test "-p, min_ms 0: exactly the workload's reads and writes of its file, in BCC's layout" {
    local wl
    bg_workload wl rwer -N "$MARK" -r "$R" -W "$W" -b 4096 "$FILE"
    start_trace -p "$wl" 0
    go_workload "$wl"
    stop_trace
    assert_equal "$(sed -n 1p "$OUT")" "Tracing sync read/writes slower than 0 ms"
    assert_equal "$(sed -n 2p "$OUT")" "TIME(s)  COMM           TID    D BYTES   LAT(ms) FILENAME"
    assert_equal "$(grep -c " R 4096 .* $MARK\\.dat\$" "$OUT")" "$R"
    assert_equal "$(grep -c " W 4096 .* $MARK\\.dat\$" "$OUT")" "$W"
    assert_equal "$(tail -n +3 "$OUT" | wc -l)" $((R + W))
    # "%-8.3f %-14.14s %-6s %1s %-7s %7.2f %s"
    run tail -n +3 "$OUT"
    for l in "${lines[@]}"; do
        [[ "$l" =~ ^[0-9]+\.[0-9]{3}\ +\ $MARK\ +\ $wl\ +\ [RW]\ 4096\ {4}\ {0,3}[0-9]+\.[0-9]{2}\ $MARK\.dat$ ]] ||
            fail "bad line: $l"
        assert_equal "${l:9:15}" "$(printf '%-14s ' "$MARK")"
        assert_equal "${l:24:7}" "$(printf '%-6s ' "$wl")"
    done
}

@test "a threshold keeps only the slow pipe reads (-a); without -a pipes are left out" {
    local wl
    mkfifo "$FIFO"
    bg_workload wl rwer -N "$MARK" -r "$R" -W "$W" -b 4096 -f "$FIFO" -k 3 -m 80 "$FILE"
    start_trace -a -p "$wl" 25
    go_workload "$wl"
    stop_trace
    assert_equal "$(sed -n 1p "$OUT")" "Tracing sync read/writes slower than 25 ms"
    # the three reads that waited ~80 ms each; the file's fast I/O is below the threshold, the
    # child's writes are another process
    run tail -n +3 "$OUT"
    assert_equal "${#lines[@]}" 3
    for l in "${lines[@]}"; do
        [[ "$l" =~ \ $wl\ +\ R\ 1\ +\ +([0-9]+)\.[0-9]{2}\ $MARK\.fifo$ ]] || fail "bad line: $l"
        [ "${BASH_REMATCH[1]}" -ge 25 ] || fail "faster than the threshold: $l"
    done

    bg_workload wl rwer -N "$MARK" -r "$R" -W "$W" -b 4096 -f "$FIFO" -k 2 -m 1 "$FILE"
    start_trace -p "$wl" 0
    go_workload "$wl"
    stop_trace
    assert_equal "$(grep -c "$MARK\\.fifo\$" "$OUT")" 0
    assert_equal "$(grep -c " $MARK\\.dat\$" "$OUT")" $((R + W))
}

@test "--json: one object per call, agreeing with the text; long names cut as BCC cuts them" {
    local wl long=${MARK}_0123456789012345678901234567890
    bg_workload wl rwer -N "$MARK" -r "$R" -W "$W" -b 4096 "$T/$long"
    JSON=1
    start_trace --json -p "$wl" 0
    go_workload "$wl"
    stop_trace
    run jq -c 'select(type != "object")' "$OUT"
    assert_success
    assert_output ""
    run jq -r 'keys_unsorted | join(",")' "$OUT"
    assert_line --index 0 "ts,time,comm,pid,tid,dir,bytes,lat_ms,filename"
    # 29 bytes of the name and "..."
    run jq -s -r --arg f "${long:0:29}..." 'map(select(.filename == $f)) |
        [length, (map(select(.dir == "R")) | length), (map(select(.dir == "W")) | length),
         (map(.bytes) | unique | join(",")), (map(.pid) | unique | join(",")),
         (map(.tid) | unique | join(",")), (map(.comm) | unique | join(",")),
         (map(.lat_ms >= 0) | all)] | join(" ")' "$OUT"
    assert_output "$((R + W)) $R $W 4096 $wl $wl $MARK true"
}

@test "usage errors exit 2; --ebpf shows the threshold, -a and -p" {
    run_bct 2 fileslower x
    run_bct 2 fileslower 1 2
    run_bct 2 fileslower -z
    run_bct fileslower --ebpf -a -p 1 5
    assert_line --partial "#define FILESLOWER_MIN_US 5000ULL"
    assert_line --partial "#define FILESLOWER_ALL"
    assert_line --partial "#define FILTER_PID 1"
    run_bct fileslower --ebpf
    assert_line --partial "#define FILESLOWER_MIN_US 10000ULL"
}
