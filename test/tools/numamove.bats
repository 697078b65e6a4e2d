#!/usr/bin/env bats
# bats file_tags=needs:bpf
# numamove: attaches, prints libbpf-tools' header and one row per second. NUMA-misplaced
# migrations need at least two memory nodes (a NUMA hinting fault moves a page to the node of
# the CPU touching it); on a one-node machine the rows must count zero, which the test checks.
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

nodes() {
    ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l
}

@test "numamove: header, then one well-formed row per second" {
    tracer_start numamove
    sleep 2.3
    tracer_stop
    [ "$(sed -n 1p "$OUT")" = "TIME          NUMA_migrations NUMA_migrations_ms" ]
    run awk 'NR > 1 && !($0 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]   +[0-9]+ +[0-9]+$/ && length($0) == 48)' "$OUT"
    [ -z "$output" ] || fail "malformed rows: $output"
    [ "$(wc -l <"$OUT")" -ge 2 ] || fail "no row in 2 seconds"
    if [ "$(nodes)" -lt 2 ]; then
        # one memory node: there is nowhere to migrate a misplaced page to
        run awk 'NR > 1 && ($2 != 0 || $3 != 0)' "$OUT"
        [ -z "$output" ] || fail "migrations counted on a one-node machine: $output"
    fi
}

@test "numamove --json: one object per second with the counts" {
    tracer_start numamove --json
    sleep 1.5
    tracer_stop
    [ "$(wc -l <"$OUT")" -ge 1 ]
    run jq -e -s 'all(keys == ["numa_migrations", "numa_migrations_ms", "ts"]) and
        all(.numa_migrations >= 0 and .numa_migrations_ms >= 0)' "$OUT"
    [ "$status" -eq 0 ]
}

@test "numamove: bad arguments exit 2" {
    run_bct 2 numamove -Z
    run_bct 2 numamove 1
}
