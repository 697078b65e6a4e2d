#!/usr/bin/env bats
# pythonstat: BCC's name for ustat -l python. It must run ustat with that language: a process named
# python (test/workloads/langprobes copied under that name, waiting) gets a row; one named java
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

@test "pythonstat is ustat -l python" {
    local d=$BATS_TEST_TMPDIR name p q
    mkdir -p "$d/a" "$d/b"
    cp "$(workload langprobes)" "$d/a/python"
    cp "$(workload langprobes)" "$d/b/java"
    "$d/a/python" -w 0 0 >"$d/a.out" &
    p=$!
    "$d/b/java" -w 0 0 >"$d/b.out" &
    q=$!
    BG+=("$p" "$q")
    wait_for "$p" 1000 grep -qx ready "$d/a.out"
    wait_for "$q" 1000 grep -qx ready "$d/b.out"
    run_bct 0 pythonstat -C 1 1
    [[ "$output" == *"Tracing... Output every 1 secs. Hit Ctrl-C to end"* ]]
    [ "$(printf '%s\n' "${lines[@]}" | awk -v p="$p" '$1 == p' | wc -l)" -eq 1 ]
    [ "$(printf '%s\n' "${lines[@]}" | awk -v p="$q" '$1 == p' | wc -l)" -eq 0 ]
    run_bct 2 pythonstat --no-such-option
}
