#!/usr/bin/env bats
# bats file_tags=needs:bpf
# readahead with real read-ahead: a file of P pages on an ext4 file system of the test's own (a
# loop device), its pages dropped from the page cache (posix_fadvise DONTNEED on that file only:
# a global drop_caches would disturb the other tests' warm caches), read sequentially by
# test/workloads/cacher. Every page comes in by read-ahead and is then read, so the counts are
# at least P; the tool counts system-wide, so only lower bounds, and the histogram's total must
# equal the pages used.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
P=2048 # 8 MiB

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=rah$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
}

teardown() {
    bg_kill
    if [ -n "${MNT-}" ]; then umount "$MNT" || echo "cannot unmount $MNT" >&2; fi
    loop_dev_detach
}

# an ext4 file system on a loop device, with the P-page file $FILE on it, written back
ext4_file() {
    command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 (e2fsprogs) is not installed"
    loop_dev 32
    mkfs.ext4 -q "$LOOP" || fail "mkfs.ext4 $LOOP failed"
    MNT=$T/mnt
    mkdir -p "$MNT"
    mount "$LOOP" "$MNT" || { MNT=; fail "cannot mount $LOOP"; }
    FILE=$MNT/$MARK.dat
    dd if=/dev/urandom of="$FILE" bs=1M count=$((P / 256)) status=none
    sync "$FILE"
}

@test "bcctool check names the method, approximate here" {
    run_bct check readahead
    assert_output --regexp '^readahead +(kprobe|tracepoint \(approximate: pages added while a read-ahead)'
}

@test "--json: a cold sequential read: >= P pages read ahead and used; the histogram's total is the pages used" {
    ext4_file
    bg_workload W cacher -N "$MARK" -D "$FILE"
    tracer_start readahead --json
    go_workload "$W"
    tracer_stop
    cat "$OUT"
    assert_equal "$(wc -l <"$OUT")" 1
    run jq -r '[.readahead, .used, .unused, ([.data[].count] | add // 0), .val_type] | @tsv' "$OUT"
    read -r born used unused total vtype <<<"$output"
    [ "$born" -ge "$P" ]
    [ "$used" -ge "$P" ]
    assert_equal "$total" "$used"
    assert_equal "$unused" "$((born - used))"
    assert_equal "$vtype" "age (ms)"
    run jq -r 'keys | join(",")' "$OUT"
    assert_output "data,readahead,ts,unused,used,val_type"
}

@test "-d 2: BCC's report after 2 seconds, then exit 0 on its own" {
    ext4_file
    bg_workload W cacher -N "$MARK" -D "$FILE"
    OUT=$T/d.out
    "$BCCTOOL" readahead -d 2 >"$OUT" 2>"$T/d.err" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$OUT" || fail "no banner"
    go_workload "$W"
    rc=0
    wait "$TRACER" || rc=$?
    cat "$OUT" "$T/d.err"
    assert_equal "$rc" 0
    [ ! -s "$T/d.err" ]
    assert_equal "$(sed -n 1p "$OUT")" "Tracing... Hit Ctrl-C to end."
    assert_equal "$(sed -n 2p "$OUT")" ""
    sed -n 3p "$OUT" | grep -qE '^Read-ahead unused pages: -?[0-9]+$'
    assert_equal "$(sed -n 4p "$OUT")" "Histogram of read-ahead used page age (ms):"
    assert_equal "$(sed -n 5p "$OUT")" ""
    assert_equal "$(sed -n 6p "$OUT")" "     age (ms)            : count     distribution"
    # the rows' counts add up to at least the file's pages
    run awk -F'[:|]' 'NR > 6 { n += $2 } END { print n + 0 }' "$OUT"
    [ "$output" -ge "$P" ]
}

@test "bad options exit 2" {
    run_bct 2 readahead -Z
    run_bct 2 readahead -d x
    run_bct 2 readahead extra
}
