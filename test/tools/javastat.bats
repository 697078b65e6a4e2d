#!/usr/bin/env bats
# javastat: BCC's name for ustat -l java. It must run ustat with that language: a process named
# java (test/workloads/langprobes copied under that name, waiting) gets a row; one named python
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

@test "javastat is ustat -l java" {
    local d=$BATS_TEST_TMPDIR name p q
    mkdir -p "$d/a" "$d/b"
    cp "$(workload langprobes)" "$d/a/java"
    cp "$(workload langprobes)" "$d/b/python"
    "$d/a/java" -w 0 0 >"$d/a.out" &
    p=$!
    "$d/b/python" -w 0 0 >"$d/b.out" &
    q=$!
    BG+=("$p" "$q")
    wait_for "$p" 1000 grep -qx ready "$d/a.out"
    wait_for "$q" 1000 grep -qx ready "$d/b.out"
    run_bct 0 javastat -C 1 1
    [[ "$output" == *"Tracing... Output every 1 secs. Hit Ctrl-C to end"* ]]
    [ "$(printf '%s\n' "${lines[@]}" | awk -v p="$p" '$1 == p' | wc -l)" -eq 1 ]
    [ "$(printf '%s\n' "${lines[@]}" | awk -v p="$q" '$1 == p' | wc -l)" -eq 0 ]
    run_bct 2 javastat --no-such-option
}
