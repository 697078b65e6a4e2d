#!/usr/bin/env bats
# Every program of every attach method of every tool goes through the kernel's verifier, also
# the methods this kernel would not attach (kprobe programs load without CONFIG_KPROBES): a
# method only another kernel uses must not be found broken there first. `check --load-all`
# (internal) loads each method on its own; a method whose program type or attach target this
# kernel lacks (fentry here: EPERM, or a missing function) is "unloadable here", listed by name.
# bats file_tags=needs:bpf
bats_require_minimum_version 1.8.0
load helpers

setup_file() {
    "$BCCTOOL" --list | awk '{print $1}' >"$BATS_FILE_TMPDIR/tools"
}

@test "check --load-all: no method of any tool is rejected by the verifier" {
    require_bpf
    local tools
    mapfile -t tools <"$BATS_FILE_TMPDIR/tools"
    [ "${#tools[@]}" -gt 50 ] || fail "bcctool --list shows only ${#tools[@]} tools"
    BCT_TIMEOUT=500 run_bct '?' check --load-all "${tools[@]}"
    echo "$output" >"$BATS_FILE_TMPDIR/out"
    # the verifier's refusals, each with its log (on stderr, in the output)
    refute_line --partial "REJECTED"
    refute_line --partial "FAILED"
    assert_equal "$status" 0
    # the methods this kernel cannot load, by name (shown with --verbose-run or on failure)
    grep 'unloadable here' "$BATS_FILE_TMPDIR/out" >&3 || true
    assert_line --regexp '^[0-9]+ methods loaded, [0-9]+ unloadable here, 0 rejected'
}

@test "check --load-all: every tool that loads BPF is verified or skipped with a reason" {
    require_bpf
    [ -s "$BATS_FILE_TMPDIR/out" ] || skip "the previous test did not run"
    local t n=0 line
    while read -r t; do
        # tools without BPF say so; the others have a line per method or a reason to skip
        run grep -E "^$t( |$)" "$BATS_FILE_TMPDIR/out"
        [ -n "$output" ] || fail "no line for $t"
        while IFS= read -r line; do
            [[ $line =~ :\ (loaded|unloadable\ here\ \(.+\))$ || $line =~ \ no\ BPF$ ||
                $line =~ \ skipped:\ .+ ]] || fail "unexpected line for $t: $line"
        done <<<"$output"
        [[ $output == *": loaded"* ]] && n=$((n + 1))
    done <"$BATS_FILE_TMPDIR/tools"
    [ "$n" -gt 50 ] || fail "only $n tools had a method loaded"
}

@test "check --load-all is internal: --help does not show it" {
    run_bct check --help
    refute_output --partial "load-all"
}
