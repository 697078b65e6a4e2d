#!/usr/bin/env bats
# The dispatcher: version, list, unknown tools, argv[0] dispatch. Fail-fast tier 0.
load helpers

@test "--version names bcctool, libbpf and LLVM" {
    run_bct --version
    assert_line --regexp '^bcctool [0-9]+\.[0-9]+\.[0-9]+$'
    assert_line --regexp '^libbpf [0-9]+\.[0-9]+$'
    assert_line --regexp '^LLVM [0-9]+\.'
}

@test "no arguments: usage and the tool list on stderr, exit 2" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 2
    assert_output ""
    [[ "$stderr" == *"usage: bcctool TOOL"* ]] || fail "no usage: $stderr"
    [[ "$stderr" == *"reset-trace "* ]] || fail "no tool list: $stderr"
}

@test "--list is sorted, one tool per line with a summary" {
    run_bct --list
    assert_line --regexp '^reset-trace +Reset '
    local names sorted
    names=$(printf '%s\n' "${lines[@]}" | awk '{print $1}')
    sorted=$(printf '%s\n' "$names" | LC_ALL=C sort -u)
    assert_equal "$names" "$sorted"
}

@test "--list --json is NDJSON with name and summary" {
    run_bct --list --json
    local n
    n=$(printf '%s\n' "$output" | jq -r 'select(.name and .summary) | .name' | wc -l)
    assert_equal "$n" "${#lines[@]}"
    assert_line --partial '"name":"reset-trace"'
}

@test "hidden commands are not listed" {
    run_bct --list
    refute_output --partial "__"
}

@test "unknown tool: one line with a did-you-mean hint, exit 127" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 127 reset-trac
    assert_equal "$stderr" "bcctool: 'reset-trac' is not a bcctool command; did you mean 'reset-trace'?"
}

@test "no prefix matching: an ambiguous prefix is not a command" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 127 res
    [[ "$stderr" == *"'res' is not a bcctool command"* ]] || fail "$stderr"
}

@test "a link named after the tool runs that tool" {
    ln -s "$BCCTOOL" "$BATS_TEST_TMPDIR/reset-trace"
    run "$BATS_TEST_TMPDIR/reset-trace" --help
    assert_success
    assert_output --partial "Usage: reset-trace"
}

@test "a hard link named after the tool runs that tool" {
    ln "$BCCTOOL" "$BATS_TEST_TMPDIR/reset-trace" 2>/dev/null || cp "$BCCTOOL" "$BATS_TEST_TMPDIR/reset-trace"
    run "$BATS_TEST_TMPDIR/reset-trace" --help
    assert_success
    assert_output --partial "Usage: reset-trace"
}

@test "a link with an unknown name exits 127" {
    ln -s "$BCCTOOL" "$BATS_TEST_TMPDIR/nosuchtool"
    run -127 "$BATS_TEST_TMPDIR/nosuchtool"
    assert_output --partial "'nosuchtool' is not a bcctool command"
}

@test "bcctool-TOOL form dispatches too" {
    ln -s "$BCCTOOL" "$BATS_TEST_TMPDIR/bcctool-reset-trace"
    run "$BATS_TEST_TMPDIR/bcctool-reset-trace" --help
    assert_success
    assert_output --partial "Usage: "
}

@test "help TOOL shows the tool's help when stdout is not a terminal" {
    run_bct help reset-trace
    assert_output --partial "reset-trace"
    assert_output --partial "--force"
}

@test "help with an unknown tool exits 127" {
    run_bct 127 help nosuch
}

@test "an unknown dispatcher option exits 2" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 2 --bogus
    [[ "$stderr" == *"unknown option '--bogus'"* ]] || fail "$stderr"
}

@test "the build made one symlink per listed tool" {
    run_bct --list
    local t
    for t in $(printf '%s\n' "${lines[@]}" | awk '{print $1}'); do
        [ -L "$BCCTOOL_BUILD/links/$t" ] || fail "no link for $t"
    done
}
