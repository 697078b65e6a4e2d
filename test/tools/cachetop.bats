#!/usr/bin/env bats
# bats file_tags=needs:bpf
# cachetop with real page cache traffic: test/workloads/cacher, under a command name of its own,
# reads a file of P pages K times, either warm (every page a hit) or after dropping the file's
# pages (the first read misses each page once). Its row, summed over the intervals, must show
# exactly those counts; other processes' rows are ignored.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
P=64
K=3

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=ctop$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
    FILE=$T/$MARK.dat
    dd if=/dev/urandom of="$FILE" bs=4096 count="$P" status=none
    cat "$FILE" >/dev/null
}

teardown() {
    bg_kill
    if [ -n "${FIFO_FD-}" ]; then exec {FIFO_FD}>&-; fi
}

# jsum KEY: the sum of KEY over the JSON rows of $MARK in $OUT
jsum() {
    jq -s --arg c "$MARK" "map(select(.comm == \$c) | .$1) | add // 0" "$OUT"
}

@test "not a terminal: plain tables; K warm reads of P pages are K*P hits of the reader" {
    bg_workload W cacher -N "$MARK" -n "$K" "$FILE"
    tracer_start cachetop 1
    go_workload "$W"
    sleep 1.1
    tracer_stop
    cat "$OUT"
    grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2} Buffers MB: [0-9]+ / Cached MB: [0-9]+ / Sort: HITS / Order: descending$' "$OUT"
    grep -qx 'PID      UID      CMD              HITS     MISSES   DIRTIES  READ_HIT%  WRITE_HIT%' "$OUT"
    assert_equal "$(tail -1 "$OUT")" "Detaching..."
    # the reader's rows: PID, user, comm, HITS MISSES DIRTIES, ratios
    run awk -v c="$MARK" -v p="$W" '$3 == c && $1 == p { h += $4; m += $5; d += $6; n++ }
        END { print n + 0, h + 0, m + 0, d + 0 }' "$OUT"
    [ "${output%% *}" -ge 1 ]
    assert_equal "${output#* }" "$((K * P)) 0 0"
    # BCC's row format: "%8d %-8.8s %-16s %8d %8d %8d %9.1f%% %9.1f%%"
    grep -E "^ +$W root +$MARK +[0-9]+ +0 +0 +100\.0% +0\.0%$" "$OUT"
    line=$(grep -E "^ +$W root " "$OUT" | head -1)
    assert_equal "${#line}" 83
}

@test "--json: the first read after dropping the file's pages misses each page once" {
    bg_workload W cacher -N "$MARK" -n "$K" -D "$FILE"
    tracer_start cachetop --json 1
    go_workload "$W"
    sleep 1.1
    tracer_stop
    cat "$OUT"
    jq -e . "$OUT" >/dev/null
    assert_equal "$(jsum added)" "$P"
    assert_equal "$(jsum accessed)" "$((K * P))"
    [ "$(jsum misses)" -ge "$P" ]
    # hits = accessed + dirtied buffers, misses = added + dirtied pages (BCC's arithmetic)
    run jq -rs --arg c "$MARK" 'map(select(.comm == $c) | select(.hits != .accessed + .dirties
        or .misses != .added + .dirtied or .pid != '"$W"' or .user != "root")) | length' "$OUT"
    assert_output 0
    run jq -rs 'map(keys | join(",")) | unique | .[]' "$OUT"
    assert_output "accessed,added,comm,dirtied,dirties,hits,misses,pid,read_hit,ts,uid,user,write_hit"
}

@test "-p PID: only that process's rows" {
    bg_workload W cacher -N "$MARK" -n "$K" "$FILE"
    tracer_start cachetop -p "$W" --json 1
    go_workload "$W"
    cat "$FILE" >/dev/null
    sleep 1.1
    tracer_stop
    cat "$OUT"
    assert_equal "$(jsum hits)" "$((K * P))"
    run jq -rs "map(select(.pid != $W)) | length" "$OUT"
    assert_output 0
}

@test "a terminal: the curses screen, its keys (> r), q quits with exit 0 and a sane terminal" {
    command -v script >/dev/null || skip "script (util-linux) is not installed"
    mkfifo "$T/in"
    exec {FIFO_FD}<>"$T/in"
    TERM=xterm script -qec "sh -c '\"$BCCTOOL\" cachetop 1; echo rc=\$?; stty -a'" /dev/null \
        <"$T/in" >"$T/screen" 2>&1 &
    S=$!
    BG+=("$S")
    wait_for "$S" 3000 grep -q 'Sort: HITS / Order: descending' "$T/screen" ||
        fail "no screen: $(cat -v "$T/screen")"
    printf '>r' >&"$FIFO_FD"
    wait_for "$S" 300 grep -q 'MISSES / Order: ascending' "$T/screen" ||
        fail "the keys did not change the sort: $(cat -v "$T/screen")"
    printf q >&"$FIFO_FD"
    rc=0
    wait "$S" || rc=$?
    cat -v "$T/screen"
    assert_equal "$rc" 0
    grep -q 'rc=0' "$T/screen"
    grep -q 'PID      UID      CMD' "$T/screen"
    # endwin() gave the terminal back: canonical mode and echo are on again
    grep -qE '(^|[ ;])icanon' "$T/screen"
    grep -qE '(^|[ ;])echo( |$)' "$T/screen"
    ! grep -qE '(^| )-(icanon|echo)( |$)' "$T/screen"
}

@test "bad options exit 2" {
    run_bct 2 cachetop -Z
    run_bct 2 cachetop x
    run_bct 2 cachetop -p
    run_bct 2 cachetop 1 2 3
}
