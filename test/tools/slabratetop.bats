#!/usr/bin/env bats
# bats file_tags=needs:bpf
# slabratetop with real allocations: test/workloads/opener opens (and closes) a file N times,
# each open allocating one struct file from the "filp" slab cache. The filp rows, summed over
# the intervals, must count at least N allocations, and BYTES must be ALLOCS times the cache's
# object size (/proc/slabinfo). Other tests allocate files too, so only lower bounds on counts.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=20000

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    echo data >"$T/f"
    OBJSIZE=$(awk '$1 == "filp" { print $4 }' /proc/slabinfo)
}

teardown() {
    bg_kill
}

@test "-C: the filp row counts the workload's opens, BYTES = ALLOCS x object size" {
    local wl
    [ -n "$OBJSIZE" ] || skip "no filp line in /proc/slabinfo (merged slab cache)"
    bg_workload wl opener -n "$N" "$T/f"
    tracer_start slabratetop -C
    go_workload "$wl"
    sleep 1.1
    tracer_stop
    cat "$OUT"
    assert_equal "$(head -1 "$OUT")" "Tracing... Output every 1 secs. Hit Ctrl-C to end"
    assert_equal "$(tail -1 "$OUT")" "Detaching..."
    grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2} loadavg: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+$' "$OUT"
    assert_equal "$(grep -c '^CACHE                            ALLOCS      BYTES$' "$OUT")" \
        "$(grep -c ' loadavg: ' "$OUT")"
    # no screen clearing with -C
    ! grep -q $'\e' "$OUT"
    run awk -v sz="$OBJSIZE" '$1 == "filp" && NF == 3 { a += $2; if ($3 != $2 * sz) bad++ }
        END { print a + 0, bad + 0 }' "$OUT"
    echo "filp allocs, bad rows: $output"
    [ "${output% *}" -ge "$N" ]
    assert_equal "${output#* }" 0
    # rows in BCC's layout, most bytes first in each interval
    run awk 'NF == 3 && $2 ~ /^[0-9]+$/ { if (length($0) < 50) bad++ }
        /^CACHE/ { prev = -1 } NF == 3 && $3 ~ /^[0-9]+$/ { if (prev >= 0 && $3 > prev) bad++; prev = $3 }
        END { print bad + 0 }' "$OUT"
    assert_output 0
}

@test "-r 2 and [interval [count]]: two rows per interval, stops by itself" {
    run_bct slabratetop -C -r 2 1 2
    assert_equal "$(grep -c ' loadavg: ' <<<"$output")" 2
    # at most 2 rows after each header
    run awk '/^CACHE/ { n = 0; h++; next } / loadavg: / { next } NF == 3 { n++; if (n > 2) bad++ }
        END { print h + 0, bad + 0 }' <<<"$output"
    assert_output "2 0"
}

@test "without -C the screen is cleared each interval" {
    run_bct slabratetop 1 1
    [[ "$output" == *$'\e['* ]]
}

@test "--json: one object per cache, the filp object agrees with the opens" {
    local wl
    [ -n "$OBJSIZE" ] || skip "no filp line in /proc/slabinfo (merged slab cache)"
    bg_workload wl opener -n "$N" "$T/f"
    tracer_start slabratetop --json
    go_workload "$wl"
    sleep 1.1
    tracer_stop
    jq -e . "$OUT" >/dev/null
    run jq -rs --argjson sz "$OBJSIZE" '[.[] | select(.cache == "filp")] |
        "\(map(.allocs) | add) \(map(select(.bytes != .allocs * $sz)) | length)"' "$OUT"
    echo "$output"
    [ "${output% *}" -ge "$N" ]
    assert_equal "${output#* }" 0
    run jq -rs 'map(keys | join(",")) | unique | .[]' "$OUT"
    assert_output "allocs,bytes,cache,ts"
}

@test "bad options exit 2" {
    run_bct 2 slabratetop -r x
    run_bct 2 slabratetop -Z
    run_bct 2 slabratetop 1 2 3
}
