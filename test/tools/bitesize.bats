#!/usr/bin/env bats
# bats file_tags=needs:bpf
# bitesize against real I/O. Each test makes its own block device (a loop device with direct
# I/O over a file in its temp dir), and issues O_DIRECT reads and writes of known sizes to it,
# one at a time, with copies of dd under names of its own (bszr<pid>, bszw<pid>), so that
# their histograms are ours alone; /sys/block/loopN/stat confirms one request per block.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
NR=9  # 4 KiB reads: the 4 -> 7 row
NW=14 # 16 KiB writes: the 16 -> 31 row

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    LOOP=
    loop_dev
    RNAME=bszr$$
    WNAME=bszw$$
    cp "$(command -v dd)" "$T/$RNAME"
    cp "$(command -v dd)" "$T/$WNAME"
}

teardown() {
    bg_kill
    loop_dev_detach
}

# do_io: NR reads of 4 KiB by $RNAME, NW writes of 16 KiB by $WNAME, checked in the disk's stat
do_io() {
    local r0 w0 r1 w1
    read -r r0 w0 < <(awk '{ print $1, $5 }' "/sys/block/$DISK/stat")
    "$T/$RNAME" if="$LOOP" of=/dev/null bs=4k count="$NR" iflag=direct status=none
    "$T/$WNAME" if=/dev/zero of="$LOOP" bs=16k count="$NW" seek=64 oflag=direct status=none
    read -r r1 w1 < <(awk '{ print $1, $5 }' "/sys/block/$DISK/stat")
    assert_equal "$((r1 - r0)) $((w1 - w0))" "$NR $NW"
}

# start_bsz ARGS...: "bcctool bitesize ARGS" in the background, output in $OUT, $ERR, PID in
# $PID; returns once attached (the "Tracing..." line, or for --json one BPF link)
start_bsz() {
    local i links
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/bsz.$SEQ.out
    ERR=$T/bsz.$SEQ.err
    echo "\$ bcctool bitesize $*"
    "$BCCTOOL" bitesize "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    BG+=("$PID")
    for ((i = 0; i < 3000; i++)); do
        if [[ " $* " == *" --json "* ]]; then
            links=$(ls -l "/proc/$PID/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge 1 ] && return 0
        elif grep -q '^Tracing block I/O' "$OUT" 2>/dev/null; then
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$ERR" >&2; fail "bitesize $* exited early"; }
        sleep 0.01
    done
    fail "bitesize $* never got ready"
}

# stop_bsz: SIGINT; it must print its histograms and exit 0, with nothing on stderr
stop_bsz() {
    local rc=0
    kill -INT "$PID"
    wait "$PID" || rc=$?
    echo "--- bitesize (exit $rc):"
    cat "$OUT"
    echo "--- stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "bitesize exited $rc"
    [ ! -s "$ERR" ] || fail "bitesize wrote to stderr"
}

# rows FILE NAME: the non-zero rows of NAME's histogram, "low-high:count", space-separated
rows() {
    awk -v name="$2" '
        /^Process Name = / { insec = ($0 == "Process Name = " name); next }
        insec && / -> .* : / { split($0, a, ":"); split(a[1], r, " -> "); split(a[2], c, " ");
            if (c[1] > 0) printf "%s%d-%d:%d", (n++ ? " " : ""), r[1], r[2], c[1] }
        END { print "" }' "$1"
}

# total FILE: the sum of every histogram's counts
total() {
    awk '/ -> .* : / { split($0, a, ":"); split(a[2], c, " "); s += c[1] } END { print s + 0 }' "$1"
}

@test "Ctrl-C: a histogram per process, each request in its size's row" {
    start_bsz
    do_io
    stop_bsz
    assert_equal "$(head -1 "$OUT")" "Tracing block I/O... Hit Ctrl-C to end."
    assert_equal "$(rows "$OUT" "$RNAME")" "4-7:$NR"
    assert_equal "$(rows "$OUT" "$WNAME")" "16-31:$NW"
    # BCC's layout: a blank line, the section line, the header, rows from 0 -> 1
    run grep -B1 -A2 -x "Process Name = $WNAME" "$OUT"
    assert_output "
Process Name = $WNAME
     Kbytes              : count     distribution
         0 -> 1          : 0        |                                        |"
    run grep -x "        16 -> 31         : $NW       |\*\{40\}|" "$OUT"
    assert_success
    # sections in name order
    run sed -n 's/^Process Name = //p' "$OUT"
    assert_equal "$output" "$(sed -n 's/^Process Name = //p' "$OUT" | LC_ALL=C sort)"
}

@test "-d DISK counts every request of that disk and no other" {
    start_bsz -d "$DISK"
    do_io
    stop_bsz
    assert_equal "$(total "$OUT")" "$((NR + NW))"
    assert_equal "$(rows "$OUT" "$WNAME")" "16-31:$NW"
}

@test "-c COMM: only commands containing the text" {
    start_bsz -c "$WNAME"
    do_io
    stop_bsz
    run sed -n 's/^Process Name = //p' "$OUT"
    assert_output "$WNAME"
    assert_equal "$(rows "$OUT" "$WNAME")" "16-31:$NW"
}

@test "--json: one object per process, agreeing with the text" {
    command -v jq >/dev/null || skip "jq is not installed"
    start_bsz --json -d "$DISK"
    do_io
    stop_bsz
    run jq -e -c 'type == "object"' "$OUT"
    assert_success
    run jq -r --arg w "$WNAME" 'select(.comm == $w) | [.val_type,
        ([.data[] | select(.count > 0) | "\(."interval-start")-\(."interval-end"):\(.count)"]
        | join(" "))] | join(" ")' "$OUT"
    assert_output "Kbytes 16-31:$NW"
    run jq -r --arg r "$RNAME" 'select(.comm == $r) | [.data[].count] | add' "$OUT"
    assert_output "$NR"
    run jq -s '[.[].data[].count] | add' "$OUT"
    assert_output "$((NR + NW))"
}

@test "-T interval count: a time per interval, then it exits" {
    local t0=$SECONDS
    run_bct bitesize -T -d "$DISK" 1 2
    [ $((SECONDS - t0)) -ge 1 ] || fail "2 intervals of 1 s took less than 1 s"
    run grep -cE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$' <<<"$output"
    assert_output 2
}

@test "-d with a disk that does not exist: exit 1" {
    run_bct 1 bitesize -d "nosuchdisk$$"
    assert_output "no such disk 'nosuchdisk$$'"
}

@test "--ebpf prints the program with the options' defines, without loading it" {
    run_bct bitesize --ebpf -d "$DISK" -c dd
    assert_line --regexp '#define FILTER_DEV [0-9]+U'
    assert_line --partial '#define FILTER_COMM_LEN 2'
    assert_line --partial 'SEC("tp_btf/block_rq_issue")'
    refute_line --partial 'Tracing block I/O'
}
