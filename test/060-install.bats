#!/usr/bin/env bats
# make install / uninstall into a DESTDIR: the binary, compiler plugin, man pages and one link
# per tool under PREFIX/libexec/bcctool, never /usr/sbin; uninstall removes exactly that.
load helpers

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

bct_make() {
    # Same O= and WERROR= as the build under test, so nothing is rebuilt.
    ${BCCTOOL_MAKE:-make -C "$ROOT" O="$BCCTOOL_BUILD"} --no-print-directory "$@"
}

@test "make install puts the binary, plugin, man pages and tool links under DESTDIR/PREFIX" {
    local dest=$BATS_TEST_TMPDIR/root
    run bct_make install DESTDIR="$dest" PREFIX=/usr/local
    assert_success
    [ -x "$dest/usr/local/bin/bcctool" ] || fail "no binary"
    [ -f "$dest/usr/local/lib/bcctool/bcctool-cc.so" ] || fail "no compiler plugin"
    [ -f "$dest/usr/local/lib/bcctool/bcctool-serve.so" ] || fail "no serve plugin"
    [ -f "$dest/usr/local/share/man/man8/bcctool.8" ] || fail "no bcctool.8"
    local t
    for t in $("$BCCTOOL" --list | awk '{print $1}'); do
        [ -L "$dest/usr/local/libexec/bcctool/$t" ] || fail "no link for $t"
        [ "$(readlink -f "$dest/usr/local/libexec/bcctool/$t")" = "$dest/usr/local/bin/bcctool" ] ||
            fail "link for $t points elsewhere"
        [ -f "$dest/usr/local/share/man/man8/bcctool-$t.8" ] || fail "no man page for $t"
    done
    [ ! -e "$dest/usr/sbin" ] || fail "installed into /usr/sbin"
    # The installed links dispatch by name.
    run "$dest/usr/local/libexec/bcctool/reset-trace" --help
    assert_success
    assert_output --partial "Usage: reset-trace"
}

@test "make install puts the C API under DESTDIR/PREFIX: header, libraries, bcctool.pc, bcctool.3" {
    local dest=$BATS_TEST_TMPDIR/root lib
    run bct_make install DESTDIR="$dest" PREFIX=/usr/local
    assert_success
    lib=$dest/usr/local/lib
    [ -f "$dest/usr/local/include/bcctool.h" ] || fail "no bcctool.h"
    [ -f "$lib/libbcctool.a" ] || fail "no libbcctool.a"
    [ -x "$lib/libbcctool.so.0" ] || fail "no libbcctool.so.0"
    [ "$(readlink "$lib/libbcctool.so")" = libbcctool.so.0 ] || fail "libbcctool.so is no link"
    [ -f "$dest/usr/local/share/man/man3/bcctool.3" ] || fail "no bcctool.3"
    grep -qx 'prefix=/usr/local' "$lib/pkgconfig/bcctool.pc" || fail "bcctool.pc: wrong prefix"
    # the example builds against the installed copy alone (pkg-config's sysroot is DESTDIR)
    run env PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest" \
        pkg-config --cflags --libs bcctool
    assert_success
    assert_output --partial "-I$dest/usr/local/include "
    assert_output --partial "-L$dest/usr/local/lib -lbcctool"
    run ${CC:-cc} -Wall -Werror -o "$BATS_TEST_TMPDIR/example" \
        "$BATS_TEST_DIRNAME/capi/example.c" $output
    assert_success
    run bash -c "LD_LIBRARY_PATH='$lib' ldd '$BATS_TEST_TMPDIR/example' | grep libbcctool"
    assert_output --partial "$lib/libbcctool.so.0"
}

@test "make uninstall removes exactly what install added" {
    local dest=$BATS_TEST_TMPDIR/root
    mkdir -p "$dest/usr/local/bin" "$dest/usr/local/share/man/man8"
    touch "$dest/usr/local/bin/other" "$dest/usr/local/share/man/man8/other.8"
    run bct_make install DESTDIR="$dest" PREFIX=/usr/local
    assert_success
    run bct_make uninstall DESTDIR="$dest" PREFIX=/usr/local
    assert_success
    run bash -c "find \"$dest\" -type f -o -type l | sort"
    assert_output "$(printf '%s\n' "$dest/usr/local/bin/other" "$dest/usr/local/share/man/man8/other.8" | sort)"
}
