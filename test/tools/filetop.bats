#!/usr/bin/env bats
# bats file_tags=needs:bpf
# filetop with real events: test/workloads/rwer makes R reads and W writes of 4 KiB on a file
# of its own (read/pread and write/pwrite in turn), and optionally K reads of a named pipe; the
# rows of that file, summed over the intervals, must show exactly those counts and Kb.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
R=7
W=5

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=ftop$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
    mkdir -p "$T/data"
    FILE=$T/data/$MARK.dat
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool filetop ARGS" in the background, output in $OUT and $ERR;
# returns once attached: its banner, or under --json once it holds its 4 BPF links.
start_trace() {
    local i links
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/trace.$SEQ.out
    ERR=$T/trace.$SEQ.err
    echo "\$ bcctool filetop $*"
    "$BCCTOOL" filetop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    for ((i = 0; i < 3000; i++)); do
        if [ -n "${JSON-}" ]; then
            links=$(ls -l "/proc/$TRACER/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge 4 ] && return 0
        elif grep -q '^Tracing\.\.\. Output every' "$OUT" 2>/dev/null; then
            return 0
        fi
        kill -0 "$TRACER" 2>/dev/null || { cat "$ERR" >&2; fail "filetop $* exited early"; }
        sleep 0.01
    done
    fail "filetop $* never got ready"
}

stop_trace() {
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    cat "$OUT"
    [ "$rc" -eq 0 ] || fail "filetop exited $rc"
    [ ! -s "$ERR" ] || fail "filetop wrote to stderr: $(cat "$ERR")"
}

# sums NAME: "reads writes r_kb w_kb rows" of the text rows whose FILE is NAME
sums() {
    awk -v f="$1" '$NF == f && NF == 8 { r += $3; w += $4; rk += $5; wk += $6; n++ }
        END { print r + 0, w + 0, rk + 0, wk + 0, n + 0 }' "$OUT"
}

@test "-C -p: exactly the workload's reads and writes of its file, in BCC's layout" {
    local wl
    bg_workload wl rwer -N "$MARK" -r "$R" -W "$W" -b 4096 "$FILE"
    start_trace -C -p "$wl"
    go_workload "$wl"
    sleep 1.1 # one interval after the I/O
    stop_trace
    assert_equal "$(head -1 "$OUT")" "Tracing... Output every 1 secs. Hit Ctrl-C to end"
    assert_equal "$(tail -1 "$OUT")" "Detaching..."
    # each interval: an empty line, "HH:MM:SS loadavg: ...", an empty line, the header
    grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2} loadavg: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+$' "$OUT"
    assert_equal "$(grep -c '^TID     COMM             READS  WRITES R_Kb    W_Kb    T FILE$' "$OUT")" \
        "$(grep -c ' loadavg: ' "$OUT")"
    run sums "$MARK.dat"
    assert_output --regexp "^$R $W $((R * 4)) $((W * 4)) [1-9][0-9]*\$"
    # every row of the file: the workload's TID and name, a regular file, BCC's widths
    run grep -E " $MARK\\.dat\$" "$OUT"
    for l in "${lines[@]}"; do
        [[ "$l" =~ ^$wl\ +\ $MARK\ +\ [0-9]+\ +\ [0-9]+\ +\ [0-9]+\ +\ [0-9]+\ +\ R\ $MARK\.dat$ ]] ||
            fail "bad row: $l"
        assert_equal "${l:0:8}" "$(printf '%-7s ' "$wl")"
        assert_equal "${l:8:17}" "$(printf '%-16s ' "$MARK")"
    done
    # -p: no other process's rows
    assert_equal "$(awk 'NF == 8 && $1 ~ /^[0-9]+$/ && $1 != '"$wl"'' "$OUT" | wc -l)" 0
}

@test "system-wide: the file's rows still count exactly its I/O; -a adds the pipe, type O" {
    local wl
    mkfifo "$T/data/$MARK.fifo"
    bg_workload wl rwer -N "$MARK" -r "$R" -W "$W" -b 4096 -f "$T/data/$MARK.fifo" -k 3 -m 1 "$FILE"
    start_trace -C -r 100000
    go_workload "$wl"
    sleep 1.1
    stop_trace
    run sums "$MARK.dat"
    assert_output --regexp "^$R $W $((R * 4)) $((W * 4)) [1-9][0-9]*\$"
    run sums "$MARK.fifo"
    assert_output "0 0 0 0 0"

    bg_workload wl rwer -N "$MARK" -r "$R" -W "$W" -b 4096 -f "$T/data/$MARK.fifo" -k 3 -m 1 "$FILE"
    start_trace -C -a -p "$wl"
    go_workload "$wl"
    sleep 1.1
    stop_trace
    run sums "$MARK.dat"
    assert_output --regexp "^$R $W $((R * 4)) $((W * 4)) [1-9][0-9]*\$"
    # the parent's 3 one-byte reads (the child writing the bytes is another process)
    run sums "$MARK.fifo"
    assert_output --regexp "^3 0 0 0 [1-9][0-9]*\$"
    run grep -E " $MARK\\.fifo\$" "$OUT"
    assert_output --regexp " O $MARK\\.fifo\$"
}

@test "--json: one object per row per interval, agreeing with the text" {
    local wl
    bg_workload wl rwer -N "$MARK" -r "$R" -W "$W" -b 4096 "$FILE"
    JSON=1 start_trace --json -p "$wl"
    go_workload "$wl"
    sleep 1.1
    stop_trace
    run jq -c 'select(type != "object")' "$OUT"
    assert_success
    assert_output ""
    run jq -r 'keys_unsorted | join(",")' "$OUT"
    assert_line --index 0 "ts,tid,comm,reads,writes,r_kb,w_kb,rbytes,wbytes,type,file,inode"
    run jq -s -r --arg f "$MARK.dat" 'map(select(.file == $f)) |
        [(map(.reads) | add), (map(.writes) | add), (map(.r_kb) | add), (map(.w_kb) | add),
         (map(.rbytes) | add), (map(.wbytes) | add), (map(.tid) | unique | join(",")),
         (map(.comm) | unique | join(",")), (map(.type) | unique | join(",")),
         (map(.inode) | unique | join(","))] | join(" ")' "$OUT"
    assert_output "$R $W $((R * 4)) $((W * 4)) $((R * 4096)) $((W * 4096)) $wl $MARK R $(stat -c %i "$FILE")"
}

@test "-r 1 -s reads: one row per interval, the most reads; interval and count; the screen is cleared without -C" {
    local wl
    bg_workload wl rwer -N "$MARK" -r 40 -W 3 -b 4096 "$FILE"
    start_trace -r 1 -s reads -p "$wl" 2 1
    go_workload "$wl"
    local rc=0
    wait "$TRACER" || rc=$?
    cat "$OUT"
    assert_equal "$rc" 0
    # clear(1)'s sequence before the one interval, and no empty line from -C
    assert_equal "$(grep -c $'\e\\[H\e\\[2J' "$OUT")" 1
    assert_equal "$(grep -c ' loadavg: ' "$OUT")" 1
    run grep -A5 '^TID ' "$OUT"
    assert_equal "${#lines[@]}" 3
    assert_line --index 1 --regexp "^$wl +$MARK +40 +3 +160 +12 +R $MARK\\.dat\$"
    assert_line --index 2 "Detaching..."
}

@test "usage errors exit 2; --ebpf shows the -p and -a defines" {
    run_bct 2 filetop -s bogus
    assert_output --partial "invalid choice: 'bogus'"
    run_bct 2 filetop -r x
    run_bct 2 filetop 0
    run_bct 2 filetop 1 2 3
    run_bct filetop --ebpf -p 1 -a
    assert_line --partial "#define FILTER_PID 1"
    assert_line --partial "#define FILETOP_ALL"
}
