#!/usr/bin/env bats
# nodestat: BCC's name for ustat -l node. It must run ustat with that language: a process named
# node (test/workloads/langprobes copied under that name, waiting) gets a row; one named python
# does not.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

@test "nodestat is ustat -l node" {
    local d=$BATS_TEST_TMPDIR name p q
    mkdir -p "$d/a" "$d/b"
    cp "$(workload langprobes)" "$d/a/node"
    cp "$(workload langprobes)" "$d/b/python"
    "$d/a/node" -w 0 0 >"$d/a.out" &
    p=$!
    "$d/b/python" -w 0 0 >"$d/b.out" &
    q=$!
    BG+=("$p" "$q")
    wait_for "$p" 1000 grep -qx ready "$d/a.out"
    wait_for "$q" 1000 grep -qx ready "$d/b.out"
    run_bct 0 nodestat -C 1 1
    [[ "$output" == *"Tracing... Output every 1 secs. Hit Ctrl-C to end"* ]]
    [ "$(printf '%s\n' "${lines[@]}" | awk -v p="$p" '$1 == p' | wc -l)" -eq 1 ]
    [ "$(printf '%s\n' "${lines[@]}" | awk -v p="$q" '$1 == p' | wc -l)" -eq 0 ]
    run_bct 2 nodestat --no-such-option
}
