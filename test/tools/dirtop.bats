#!/usr/bin/env bats
# bats file_tags=needs:bpf
# dirtop with real events: test/workloads/rwer makes a known number of 4 KiB reads and writes
# on a file in a directory of the test's own; the rows of the watched directories, summed over
# the intervals, must show exactly those, and an unwatched directory nothing.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=dtop$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
    A=$T/wa
    B=$T/wb
    C=$T/wc
    mkdir -p "$A/sub/deeper" "$B" "$C"
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool dirtop ARGS" in the background, output in $OUT and $ERR;
# returns once attached: its banner, or under --json once it holds its 4 BPF links.
start_trace() {
    local i links
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/trace.$SEQ.out
    ERR=$T/trace.$SEQ.err
    echo "\$ bcctool dirtop $*"
    "$BCCTOOL" dirtop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    for ((i = 0; i < 3000; i++)); do
        if [ -n "${JSON-}" ]; then
            links=$(ls -l "/proc/$TRACER/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge 4 ] && return 0
        elif grep -q '^Tracing\.\.\. Output every' "$OUT" 2>/dev/null; then
            return 0
        fi
        kill -0 "$TRACER" 2>/dev/null || { cat "$ERR" >&2; fail "dirtop $* exited early"; }
        sleep 0.01
    done
    fail "dirtop $* never got ready"
}

stop_trace() {
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    cat "$OUT"
    [ "$rc" -eq 0 ] || fail "dirtop exited $rc"
    [ -n "${JSON-}" ] || [ ! -s "$ERR" ] || fail "dirtop wrote to stderr: $(cat "$ERR")"
}

# sums PATH: "reads writes r_kb w_kb" of the text rows of PATH
sums() {
    awk -v p="$1" '$5 == p && NF == 5 { r += $1; w += $2; rk += $3; wk += $4 }
        END { print r + 0, w + 0, rk + 0, wk + 0 }' "$OUT"
}

@test "-C: exactly the I/O under each watched directory, none of another, in BCC's layout" {
    local w1 w2 w3
    start_trace -C -d "$A,$B"
    bg_workload w1 rwer -N "$MARK" -r 7 -W 5 -b 4096 "$A/sub/deeper/$MARK.dat"
    bg_workload w2 rwer -N "$MARK" -r 3 -W 9 -b 4096 "$B/$MARK.dat"
    bg_workload w3 rwer -N "$MARK" -r 4 -W 4 -b 4096 "$C/$MARK.dat"
    go_workload "$w1" "$w2" "$w3"
    sleep 1.1
    stop_trace
    assert_equal "$(sed -n 1p "$OUT")" "Considering $A with inode_id $(stat -c %i "$A")"
    assert_equal "$(sed -n 2p "$OUT")" "Considering $B with inode_id $(stat -c %i "$B")"
    assert_equal "$(sed -n 3p "$OUT")" "Tracing... Output every 1 secs. Hit Ctrl-C to end"
    assert_equal "$(tail -1 "$OUT")" "Detaching..."
    grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2} loadavg: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+$' "$OUT"
    assert_equal "$(grep -c '^READS  WRITES R_Kb     W_Kb     PATH$' "$OUT")" "$(grep -c ' loadavg: ' "$OUT")"
    run sums "$A"
    assert_output "7 5 28 20"
    run sums "$B"
    assert_output "3 9 12 36"
    # BCC's "%-6d %-6d %-8d %-8d %s"
    run grep -E " $A\$" "$OUT"
    for l in "${lines[@]}"; do
        [[ "$l" =~ ^[0-9]+\ +\ [0-9]+\ +\ [0-9]+\ +\ [0-9]+\ +\ $A$ ]] || fail "bad row: $l"
        [ "${l:6:1}" = " " ] && [ "${l:13:1}" = " " ] && [ "${l:22:1}" = " " ] && [ "${l:31:1}" = " " ] ||
            fail "bad widths: $l"
    done
    assert_equal "$(grep -c " $C\$" "$OUT")" 0
}

@test "-p: only that process's I/O; nested directories: the outer one takes it" {
    local w1 w2
    bg_workload w1 rwer -N "$MARK" -r 6 -W 2 -b 4096 "$A/sub/$MARK.1"
    bg_workload w2 rwer -N "$MARK" -r 5 -W 5 -b 4096 "$A/sub/$MARK.2"
    start_trace -C -p "$w1" -d "$A/sub,$A"
    go_workload "$w1" "$w2"
    sleep 1.1
    stop_trace
    run sums "$A"
    assert_output "6 2 24 8"
    run sums "$A/sub"
    assert_output "0 0 0 0"
}

@test "--json: one object per directory per interval, agreeing with the text; glob patterns" {
    local w1 w2
    JSON=1
    start_trace --json -d "$T/w[ab]"
    bg_workload w1 rwer -N "$MARK" -r 7 -W 5 -b 4096 "$A/$MARK.dat"
    bg_workload w2 rwer -N "$MARK" -r 2 -W 1 -b 4096 "$B/$MARK.dat"
    go_workload "$w1" "$w2"
    sleep 1.1
    stop_trace
    # the directories chosen are said on stderr under --json
    assert_equal "$(grep -c '^Considering ' "$ERR")" 2
    run jq -c 'select(type != "object")' "$OUT"
    assert_success
    assert_output ""
    run jq -r 'keys_unsorted | join(",")' "$OUT"
    assert_line --index 0 "ts,reads,writes,r_kb,w_kb,rbytes,wbytes,path,inode"
    run jq -s -r --arg p "$A" 'map(select(.path == $p)) |
        [(map(.reads) | add), (map(.writes) | add), (map(.r_kb) | add), (map(.w_kb) | add),
         (map(.rbytes) | add), (map(.wbytes) | add), (map(.inode) | unique | join(","))] | join(" ")' "$OUT"
    assert_output "7 5 28 20 28672 20480 $(stat -c %i "$A")"
    run jq -s -r --arg p "$B" 'map(select(.path == $p)) | [(map(.reads) | add), (map(.writes) | add)] | join(" ")' "$OUT"
    assert_output "2 1"
}

@test "no valid directory: BCC's message, exit 0; usage errors exit 2" {
    run_bct dirtop -d "$T/nonexistent"
    assert_output "Cannot find any valid directory"
    run_bct 2 dirtop
    assert_output --partial "the following arguments are required: -d/--root-directories"
    run_bct 2 dirtop -d "$A" -s bogus
    run_bct 2 dirtop -d "$A" -r x
    run_bct 2 dirtop -d "$A" 0
    run_bct dirtop --ebpf -d "$A,$B" -p 1
    assert_line --partial "#define FILTER_PID 1"
    assert_line --partial "#define DIRTOP_INODES $(stat -c %i "$A")ULL,$(stat -c %i "$B")ULL"
}
