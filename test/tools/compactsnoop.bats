#!/usr/bin/env bats
# bats file_tags=needs:bpf
# compactsnoop against a known compaction: a shell under a marked name (a symlink to bash, so
# its COMM is the link's name) writes 1 to /proc/sys/vm/compact_memory, which compacts every
# populated zone of every node in the writer's own context: one begin/end pair per zone, each
# a line with the writer's PID and COMM, order -1 (a whole-zone compaction) and SYNC mode.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    [ -w /proc/sys/vm/compact_memory ] || skip "no /proc/sys/vm/compact_memory (CONFIG_COMPACTION off)"
    BG=()
    MARK=cmpct$$x$BATS_TEST_NUMBER
    ln -s "$(command -v bash)" "$BATS_TEST_TMPDIR/$MARK"
    # the zones compact_memory compacts: those with pages present
    ZONES=$(awk '/^Node .* zone/ { z = $4 } /^ +present +[1-9]/ { n++ } END { print n }' /proc/zoneinfo)
}

teardown() {
    bg_kill
}

# compact: one compaction of all zones by the marked shell; its PID in $CPID
compact() {
    "$BATS_TEST_TMPDIR/$MARK" -c 'echo 1 > /proc/sys/vm/compact_memory' &
    CPID=$!
    wait "$CPID" || fail "the compact_memory write failed"
}

@test "compactsnoop: one line per zone for the compact_memory writer, formats exact" {
    tracer_start compactsnoop
    compact
    tracer_stop
    cat "$OUT"
    [ "$(head -1 "$OUT")" = "COMM           PID    NODE ZONE         ORDER MODE      LAT(ms)           STATUS" ]
    run grep -E "^$MARK +$CPID " "$OUT"
    echo "zones: $ZONES, lines: ${#lines[@]}"
    [ "${#lines[@]}" -eq "$ZONES" ]
    local l
    for l in "${lines[@]}"; do
        [[ "$l" =~ ^$MARK\ +$CPID\ +0\ {4}ZONE_[A-Z0-9]+\ +-1\ {4}SYNC\ {4}\ +[0-9]+\.[0-9]{3}\ +[a-z_]+$ ]]
        [ "${#l}" -eq 80 ]
        # the columns at BCC's widths
        [ "${l:0:15}" = "$(printf '%-14s ' "$MARK")" ]
        [ "${l:15:7}" = "$(printf '%-6s ' "$CPID")" ]
    done
    grep -qE "^$MARK +$CPID +0 +ZONE_NORMAL " "$OUT"
}

@test "compactsnoop -T: seconds since the first event" {
    tracer_start compactsnoop -T
    compact
    tracer_stop
    cat "$OUT"
    [[ "$(head -1 "$OUT")" == "TIME(s)        COMM           PID    NODE ZONE"* ]]
    run grep -E "^[0-9]+\.[0-9]{9} +$MARK +$CPID " "$OUT"
    [ "${#lines[@]}" -eq "$ZONES" ]
}

@test "compactsnoop -p: only the given process" {
    tracer_start compactsnoop -p 1
    compact
    tracer_stop
    cat "$OUT"
    ! grep -q "$MARK" "$OUT"
}

@test "compactsnoop --json: one object per zone, agreeing with the text" {
    tracer_start compactsnoop --json
    compact
    tracer_stop
    cat "$OUT"
    jq -e . "$OUT" >/dev/null
    [ "$(jq -c --arg m "$MARK" 'select(.comm == $m)' "$OUT" | wc -l)" -eq "$ZONES" ]
    jq -e --arg m "$MARK" --argjson p "$CPID" 'select(.comm == $m) |
        .pid == $p and .node == 0 and .order == -1 and .mode == "SYNC" and
        (.zone | startswith("ZONE_")) and (.lat_ms >= 0) and (.status | type == "string")' \
        "$OUT" >/dev/null
}

@test "compactsnoop -K: each line is followed by its kernel stack, through compact_node" {
    tracer_start compactsnoop -K
    compact
    tracer_stop
    cat "$OUT"
    # the stack of each marked line: tab-indented frames up to an empty line
    run awk -v m="^$MARK +$CPID " '$0 ~ m { n++; s = 1; next } s && /^\t/ { if ($1 ~ /^compact_node\+0x/) c++; next } { s = 0 } END { print n + 0, c + 0 }' "$OUT"
    [ "$output" = "$ZONES $ZONES" ]
}

@test "compactsnoop: -e is refused in one line, bad options exit 2" {
    run_bct 1 compactsnoop -e
    [ "${#lines[@]}" -eq 1 ]
    [[ "${lines[0]}" == "compactsnoop: -e is not available"* ]]
    run_bct 2 compactsnoop -x
    run_bct 2 compactsnoop -p
    run_bct 2 compactsnoop extra
}
