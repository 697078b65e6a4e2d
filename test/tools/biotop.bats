#!/usr/bin/env bats
# bats file_tags=needs:bpf
# biotop against real I/O: each test makes its own loop device, issues a known number of
# O_DIRECT 4 KiB reads and writes to it with dd (direct_io checks the device saw exactly those,
# none merged), and sums the rows the tracer printed for that disk over its intervals.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
NR=11
NW=6
HEADER='PID     COMM             D MAJ MIN DISK       I/O  Kbytes  AVGms'

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    LOOP=
    loop_dev
}

teardown() {
    bg_kill
    loop_dev_detach
}

# sums DIR: "io kbytes rows pids" of the text rows of our disk in direction DIR (R or W)
sums() {
    awk -v d="$DISK" -v dir="$1" 'NF == 9 && $6 == d && $3 == dir {
            io += $7; kb += $8; n++; if (!($1 in p)) { p[$1] = 1; np++ } }
        END { print io + 0, kb + 0, n + 0, np + 0 }' "$OUT"
}

@test "-C: dd's reads and writes of our disk, exact I/O and Kbytes, in BCC's layout" {
    # -r: all rows, as the tests beside this one can fill the default 20 with their own I/O
    tracer_start biotop -C -r 1000
    direct_io "$NR" "$NW"
    sleep 1.1 # one interval after the I/O
    tracer_stop
    cat "$OUT"
    assert_equal "$(head -1 "$OUT")" "Tracing... Output every 1 secs. Hit Ctrl-C to end"
    assert_equal "$(tail -1 "$OUT")" "Detaching..."
    grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2} loadavg: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+$' "$OUT"
    assert_equal "$(grep -cx "$HEADER" "$OUT")" "$(grep -c ' loadavg: ' "$OUT")"
    run sums R
    assert_output --regexp "^$NR $((NR * 4)) [1-9][0-9]* 1\$"
    run sums W
    assert_output --regexp "^$NW $((NW * 4)) [1-9][0-9]* 1\$"
    # BCC's "%-7d %-16s %1s %-3d %-3d %-8s %5s %7s %6.2f", Kbytes as Python prints a float
    local majmin
    majmin=$(cat "/sys/block/$DISK/dev")
    run grep -cE "^[0-9]+ +dd {15}[RW] ${majmin%:*} +${majmin#*:} +$DISK +[0-9]+ +[0-9]+\.0 +[0-9]+\.[0-9]{2}\$" "$OUT"
    assert_output "$(awk -v d="$DISK" '$6 == d' "$OUT" | wc -l)"
    # the rows of an interval are sorted by Kbytes, biggest first
    run awk '/ loadavg: /{ prev = -1 } NF == 9 && $1 ~ /^[0-9]+$/ { if (prev >= 0 && $8 > prev) bad++; prev = $8 }
        END { print bad + 0 }' "$OUT"
    assert_output 0
}

@test "-p PID: only that process's requests" {
    local fifo=$T/go pid
    mkfifo "$fifo"
    bash -c 'read -r _ <"$1"; exec dd if="$2" of=/dev/null bs=4k count="$3" iflag=direct status=none' \
        _ "$fifo" "$LOOP" "$NR" &
    pid=$!
    BG+=("$pid")
    tracer_start biotop -C -p "$pid" 1
    echo go >"$fifo"
    wait "$pid"
    direct_io 0 "$NW" # another process: not shown
    sleep 1.1
    tracer_stop
    cat "$OUT"
    run sums R
    assert_output --regexp "^$NR $((NR * 4)) [1-9][0-9]* 1\$"
    run sums W
    assert_output "0 0 0 0"
    # every row shown is that PID's
    run awk -v p="$pid" 'NF == 9 && $1 ~ /^[0-9]+$/ && $1 != p' "$OUT"
    assert_output ""
}

@test "-r 1: at most one row per interval; interval and count end it" {
    # two processes on our disk, so there are at least two rows to cut
    tracer_start biotop -C -r 1 3 1
    direct_io "$NR" "$NW"
    wait "$TRACER"
    cat "$OUT"
    [ ! -s "$ERR" ] || fail "stderr: $(cat "$ERR")"
    assert_equal "$(grep -c ' loadavg: ' "$OUT")" 1
    run awk 'NF == 9 && $1 ~ /^[0-9]+$/' "$OUT"
    assert_equal "${#lines[@]}" 1
    assert_equal "$(tail -1 "$OUT")" "Detaching..."
}

@test "--json: one object per row, agreeing with the counts" {
    command -v jq >/dev/null || skip "jq is not installed"
    tracer_start biotop --json -r 1000
    direct_io "$NR" "$NW"
    sleep 1.1
    tracer_stop
    run jq -e -c 'type == "object"' "$OUT"
    assert_success
    run jq -r --arg d "$DISK" 'select(.disk == $d) | [.comm, .d, .io, .kbytes, .bytes] | join(" ")' "$OUT"
    run awk '{ io[$1 " " $2] += $3; kb[$1 " " $2] += $4; b[$1 " " $2] += $5 }
        END { for (k in io) print k, io[k], kb[k], b[k] }' <<<"$output"
    assert_equal "$(sort <<<"$output")" "dd R $NR $((NR * 4)) $((NR * 4096))
dd W $NW $((NW * 4)) $((NW * 4096))"
    run jq -c 'keys_unsorted' <(head -1 "$OUT")
    assert_output '["ts","pid","comm","d","maj","min","disk","io","kbytes","bytes","avg_ms","total_us"]'
}

@test "bad options exit 2" {
    run_bct 2 biotop -r x
    run_bct 2 biotop --nosuchoption
    run_bct 2 biotop -p
}
