#!/usr/bin/env bats
# bats file_tags=needs:bpf
# The C API (lib/bcctool.h, libbcctool, bcctool(3)): test/capi/example.c, which includes only
# <bcctool.h>, built against the build tree's libraries with pkg-config (bcctool-uninstalled.pc),
# shared and static; run on marked getpid() calls: its own, and a syscaller workload's (-p).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
N=64

setup_file() {
    local pc="PKG_CONFIG_PATH=$BCCTOOL_BUILD"
    EX=$BATS_FILE_TMPDIR/example
    # a directory holding only the public header: the example must need nothing else
    mkdir -p "$BATS_FILE_TMPDIR/inc"
    cp "$ROOT/lib/bcctool.h" "$BATS_FILE_TMPDIR/inc/"
    env "$pc" pkg-config --exists bcctool || return 1
    ${CC:-cc} -Wall -Wextra -Werror -o "$EX" "$ROOT/test/capi/example.c" \
        -I"$BATS_FILE_TMPDIR/inc" $(env "$pc" pkg-config --libs bcctool) \
        2>"$BATS_FILE_TMPDIR/build.err" || return 1
    ${CC:-cc} -Wall -Wextra -Werror -o "$EX.static" "$ROOT/test/capi/example.c" \
        $(env "$pc" pkg-config --cflags bcctool) \
        $(env "$pc" pkg-config --static --libs bcctool | sed 's/-lbcctool/-l:libbcctool.a/') \
        2>>"$BATS_FILE_TMPDIR/build.err" || return 1
    export EX
}

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
}

teardown() {
    bg_kill
}

# expect_counts OUT N: the example's report of N calls and N events, and its map checks
expect_counts() {
    cat "$1"
    [ "$(grep -cx "bcc: getpid calls: $2, events: $2" "$1")" -eq 1 ]
    grep -qx 'maps: update, lookup, iterate, delete: ok' "$1"
    grep -qx "errors: attach no_such_function: -2 no loaded function 'no_such_function' in the program" "$1"
}

@test "capi: the libraries export only the API; pkg-config builds the example from the header alone" {
    [ -x "$EX" ] && [ -x "$EX.static" ] || { cat "$BATS_FILE_TMPDIR/build.err"; fail "example not built"; }
    # its only non-system include is the public header
    run bash -c "grep '^#include' '$ROOT/test/capi/example.c' |
        grep -Ev '<(errno|stdint|stdio|stdlib|string|time|unistd|sys/syscall)\\.h>'"
    assert_output "#include <bcctool.h>"
    run bash -c "nm -D --defined-only '$BCCTOOL_BUILD/libbcctool.so.0' | awk '\$2 == \"T\" {print \$3}' | grep -v '^bcctool_'"
    assert_output ""
    run bash -c "readelf -d '$BCCTOOL_BUILD/libbcctool.so.0' | grep SONAME"
    assert_output --partial "[libbcctool.so.0]"
    # the shared example runs on the shared library, the static one carries it
    ldd "$EX" | grep -q "$BCCTOOL_BUILD/libbcctool.so.0"
    ! ldd "$EX.static" | grep -q libbcctool
}

@test "capi: the example counts its own $N marked getpid() calls (BCC dialect, then CO-RE by spec)" {
    "$EX" -n "$N" >"$T/out" 2>"$T/err" || { cat "$T/out" "$T/err"; fail "example failed"; }
    expect_counts "$T/out" "$N"
    grep -qx "core: getpid calls: $N, ring events: $N" "$T/out"
    # the library itself writes nothing: stdout is the example's lines, stderr is empty
    [ "$(wc -l <"$T/out")" -eq 5 ]
    [ ! -s "$T/err" ] || { cat "$T/err"; fail "the library wrote on stderr"; }
    # statically linked: the compiler plugin is found through BCCTOOL_CC_PLUGIN
    BCCTOOL_CC_PLUGIN=$BCCTOOL_BUILD/bcctool-cc.so "$EX.static" -n 7 >"$T/out7" 2>"$T/err7" ||
        { cat "$T/out7" "$T/err7"; fail "static example failed"; }
    expect_counts "$T/out7" 7
    grep -qx "core: getpid calls: 7, ring events: 7" "$T/out7"
}

@test "capi: -p counts a syscaller workload's $N marked getpid() calls, and its events" {
    bg_workload W syscaller -n "$N" -N "capi$$" getpid
    "$EX" -p "$W" -n "$N" >"$T/out" 2>"$T/err" &
    BG+=("$!")
    local ex=$!
    wait_for "$ex" 3000 grep -qx ready "$T/out" || { cat "$T/err"; fail "example never attached"; }
    go_workload "$W"
    wait "$ex" || { cat "$T/out" "$T/err"; fail "example failed"; }
    expect_counts "$T/out" "$N"
    ! grep -q '^core:' "$T/out"
}

@test "capi: errors are negative errno values with a one-line message, on stderr only by the caller" {
    # without the plugin and with a cache miss (a new define each run), the load fails: the
    # example prints the library's message; the library adds only the compile child's line
    BCCTOOL_CC_PLUGIN=/nonexistent/bcctool-cc.so BCCTOOL_CACHE_DIR=$T/cache "$EX" -n 1 \
        >"$T/out" 2>"$T/err" && fail "example succeeded without a compiler"
    cat "$T/err"
    grep -qx "example: load the program: cannot compile 'getpid.c' (Input/output error)" "$T/err"
    grep -q "^bcctool: cannot load the BPF compiler: /nonexistent/bcctool-cc.so" "$T/err"
    [ "$(wc -l <"$T/out")" -eq 1 ]
}
