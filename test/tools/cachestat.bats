#!/usr/bin/env bats
# bats file_tags=needs:bpf,serial
# cachestat with real page cache traffic: a file of P pages read after the caches are dropped
# (every page a miss), read again (every page a hit), and N pages written to a new file (N
# pages dirtied). cachestat counts the whole machine: mostly lower bounds, and the one upper
# bound (a warm read adds fewer misses than its pages) holds only with no other test's I/O
# beside it, so the file runs alone (serial).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
P=4096 # 16 MiB
N=300

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
}

teardown() {
    bg_kill
}

# jsum KEY: the sum of KEY over the JSON lines of $OUT
jsum() {
    jq -s "map(.$1) | add" "$OUT"
}

@test "--json: a cold read of P pages makes >= P misses, a warm one >= P hits" {
    dd if=/dev/urandom of="$T/big" bs=1M count=16 status=none
    sync
    echo 3 >/proc/sys/vm/drop_caches
    tracer_start cachestat --json
    cat "$T/big" >/dev/null
    sleep 1.1
    tracer_stop
    cat "$OUT"
    jq -e . "$OUT" >/dev/null
    [ "$(jsum added)" -ge "$P" ]
    [ "$(jsum misses)" -ge "$P" ]
    [ "$(jsum accessed)" -ge "$P" ]
    run jq -rs 'map(keys | join(",")) | unique | .[]' "$OUT"
    assert_output "accessed,added,buffers_mb,cached_mb,dirtied,dirties,hitratio,hits,misses,ts"

    tracer_start cachestat --json
    cat "$T/big" >/dev/null
    sleep 1.1
    tracer_stop
    cat "$OUT"
    [ "$(jsum hits)" -ge "$P" ]
    # the warm read added nothing: fewer misses than the file's pages
    [ "$(jsum misses)" -lt "$P" ]
}

@test "--json: writing N new pages dirties >= N pages" {
    tracer_start cachestat --json
    dd if=/dev/zero of="$T/new" bs=4096 count="$N" status=none
    sleep 1.1
    tracer_stop
    cat "$OUT"
    [ "$(jsum dirtied)" -ge "$N" ]
    [ "$(jsum added)" -ge "$N" ]
}

@test "-T 1 2: BCC's header and rows, ends after 2 without Detaching" {
    run_bct cachestat -T 1 2
    assert_equal "${lines[0]}" "TIME         HITS   MISSES  DIRTIES HITRATIO   BUFFERS_MB  CACHED_MB"
    assert_equal "${#lines[@]}" 3
    [[ "${lines[1]}" =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}\ +[0-9]+\ +[0-9]+\ +[0-9]+\ +[0-9]+\.[0-9]{2}%\ +[0-9]+\ +[0-9]+$ ]]
    # the columns' widths: "%-8s %8d %8d %8d %7.2f%% %12.0f %10.0f"
    [ "${#lines[2]}" -ge 67 ]
}

@test "Ctrl-C: the interval in progress, then Detaching..." {
    tracer_start cachestat 5
    assert_equal "$(head -1 "$OUT")" "    HITS   MISSES  DIRTIES HITRATIO   BUFFERS_MB  CACHED_MB"
    tracer_stop
    cat "$OUT"
    assert_equal "$(wc -l <"$OUT")" 3
    assert_equal "$(tail -1 "$OUT")" "Detaching..."
    sed -n 2p "$OUT" | grep -qE '^ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+\.[0-9]{2}% +[0-9]+ +[0-9]+$'
}

@test "bad options exit 2" {
    run_bct 2 cachestat -Z
    run_bct 2 cachestat x
    run_bct 2 cachestat 1 2 3
}
