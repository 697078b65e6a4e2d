#!/usr/bin/env bats
# Every registered tool: help on stdout with exit 0, bad input exits 2 with one line and a hint.
load helpers

tools() {
    "$BCCTOOL" --list | awk '{print $1}'
}

@test "every tool: -h prints usage on stdout and exits 0" {
    local t
    for t in $(tools); do
        BCT_RUN_FLAGS=--separate-stderr run_bct 0 "$t" -h
        assert_output --partial "Usage: $t"
        [ -z "$stderr" ] || fail "$t -h wrote to stderr: $stderr"
    done
}

@test "every tool: --help prints usage on stdout and exits 0" {
    local t
    for t in $(tools); do
        BCT_RUN_FLAGS=--separate-stderr run_bct 0 "$t" --help
        assert_output --partial "Usage: $t"
    done
}

@test "every tool: an unknown option exits 2 with one error line and a usage hint" {
    local t
    for t in $(tools); do
        BCT_RUN_FLAGS=--separate-stderr run_bct 2 "$t" --no-such-option
        assert_output ""
        [[ "$stderr" == *"unrecognized option '--no-such-option'"* ]] || fail "$t: $stderr"
        [[ "$stderr" == *"Try \`$t --help'"* ]] || fail "$t: no usage hint: $stderr"
    done
}

@test "every tool: --debug with a bad mask exits 2" {
    local t
    for t in $(tools); do
        BCT_RUN_FLAGS=--separate-stderr run_bct 2 "$t" --debug=bogus
        [[ "$stderr" == *"invalid debug mask: 'bogus'"* ]] || fail "$t: $stderr"
    done
}

@test "every tool: --ebpf exits 0 without root and prints the program or says there is none" {
    local t
    for t in $(tools); do
        BCT_RUN_FLAGS=--separate-stderr run_bct 0 "$t" --ebpf
        [ -n "$output" ] || fail "$t --ebpf printed nothing"
    done
}

@test "every tool: -h or --ebpf to a full disk is one error line and exit 1" {
    local t o rc err=$BATS_TEST_TMPDIR/err
    for t in $(tools); do
        for o in -h --ebpf; do
            rc=0
            "$BCCTOOL" "$t" "$o" >/dev/full 2>"$err" || rc=$?
            [ "$rc" -eq 1 ] || fail "$t $o >/dev/full: exit $rc"
            [ "$(grep -c . "$err")" -eq 1 ] || fail "$t $o >/dev/full: $(cat "$err")"
            grep -q "No space left on device" "$err" || fail "$t $o >/dev/full: $(cat "$err")"
        done
    done
}

@test "a bad argument is shown escaped: a newline or escape in it never splits or drives the error line" {
    run_bct 2 opensnoop -p $'12\n3'
    assert_line --index 0 "opensnoop: invalid PID: '12\\0123'"
    run_bct 2 pidpersec $'a\eb'
    assert_line --index 0 "pidpersec: unrecognized arguments: a\\033b"
    run_bct 2 check $'x\ny'
    assert_line --index 0 "check: unknown tool: 'x\\012y' (see 'bcctool --list')"
    run_bct 2 biolatency "$(printf 'x%.0s' {1..100})"
    assert_line --index 0 --regexp "^biolatency: .*'x{64}\\.\\.\\.'"
}
