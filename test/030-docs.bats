#!/usr/bin/env bats
# Docs stay honest: every listed tool has a man page that names every long option its --help
# shows, and the dispatcher's page documents the common options and exit codes.
load helpers

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

tools() {
    "$BCCTOOL" --list | awk '{print $1}'
}

@test "every listed tool has a man page and a test file" {
    local t
    for t in $(tools); do
        [ -f "$ROOT/man/man8/bcctool-$t.8" ] || fail "no man page for $t"
        [ -f "$ROOT/test/tools/$t.bats" ] || fail "no test file for $t"
    done
}

@test "every long option in a tool's --help appears in its man page" {
    local t opt page
    for t in $(tools); do
        # roff writes - as \- ; compare with the escapes removed
        page=$(sed 's/\\-/-/g' "$ROOT/man/man8/bcctool-$t.8")
        run_bct "$t" --help
        for opt in $(printf '%s\n' "$output" | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
            grep -qe "$opt" <<<"$page" || fail "$t: $opt is missing from bcctool-$t.8"
        done
    done
}

@test "every man page renders without warnings" {
    local p
    for p in "$ROOT"/man/man8/*.8 "$ROOT"/man/man3/*.3; do
        run bash -c "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$p' 2>&1 >/dev/null"
        assert_output ""
    done
}

@test "bcctool.8 documents the common options, exit codes and environment" {
    local page="$ROOT/man/man8/bcctool.8" w
    for w in ebpf debug json no-cache; do
        sed 's/\\-/-/g' "$page" | grep -qe "--$w" || fail "bcctool.8 lacks --$w"
    done
    for w in 127 BCCTOOL_CACHE_DIR BCCTOOL_SRC_DIR BCCTOOL_LOG; do
        grep -q -- "$w" "$page" || fail "bcctool.8 lacks $w"
    done
}

@test "README lists every tool" {
    local t
    for t in $(tools); do
        grep -q "\`$t\`" "$ROOT/README.md" || fail "README.md does not list $t"
    done
}
