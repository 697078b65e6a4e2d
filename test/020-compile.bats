#!/usr/bin/env bats
# The compile stage (bcctool __compile): clang plugin, cache, kernel headers, --debug output.
# Tier 0: needs the kernel's BTF (/sys/kernel/btf/vmlinux, world-readable), not root or BPF.
load helpers

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
FIXTURE="$ROOT/test/fixtures/bpf/count_getpid.bpf.c"

setup_file() {
    [ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF"
    # one cache for the file, its kernel headers prepared once
    export BCCTOOL_CACHE_DIR="$BATS_FILE_TMPDIR/cache"
    "$BCCTOOL" __compile "$ROOT/test/fixtures/bpf/count_getpid.bpf.c" >/dev/null
}

# Number of compiled objects in a cache directory.
objs() {
    find "${1:-$BCCTOOL_CACHE_DIR}/objs" -name '*.o' 2>/dev/null | wc -l
}

# A tiny program of our own in the test's directory: $1 is the name, $2 its return value.
tiny() {
    cat >"$BATS_TEST_TMPDIR/$1" <<EOF
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
char LICENSE[] SEC("license") = "GPL";
SEC("tracepoint/syscalls/sys_enter_getpid")
int tiny_prog(void *ctx)
{
	return ${2:-0};
}
EOF
}

@test "a file compiles to a BPF ELF object" {
    run_bct __compile -o "$BATS_TEST_TMPDIR/x.o" "$FIXTURE"
    # ELF magic, 64-bit little-endian, e_machine 247 (EM_BPF)
    run od -An -tx1 -N 20 "$BATS_TEST_TMPDIR/x.o"
    assert_output --regexp '^ 7f 45 4c 46 02 01 .* f7 00'
}

@test "without -o the object size is reported, --json too" {
    run_bct __compile "$FIXTURE"
    assert_output --regexp '^/.*count_getpid\.bpf\.c: [0-9]+ bytes$'
    run_bct __compile --json "$FIXTURE"
    assert_output --regexp '^\{"program":".*count_getpid\.bpf\.c","bytes":[0-9]+\}$'
}

@test "the object has BTF and CO-RE/line info but no DWARF" {
    command -v llvm-readelf-19 >/dev/null || skip "no llvm-readelf-19"
    run_bct __compile -o "$BATS_TEST_TMPDIR/x.o" "$FIXTURE"
    run llvm-readelf-19 -S "$BATS_TEST_TMPDIR/x.o"
    assert_output --partial " .BTF "
    assert_output --partial " .BTF.ext "
    refute_output --partial ".debug_info"
}

@test "a second run is a cache hit and never maps LLVM" {
    tiny hit.bpf.c 1
    BCCTOOL_LOG=debug run_bct __compile "$BATS_TEST_TMPDIR/hit.bpf.c"
    assert_line --partial "loading the BPF compiler"
    # the compile ran in a child: this process did not map LLVM even on a miss
    assert_line --partial "LLVM is not mapped in this process"
    BCCTOOL_LOG=debug run_bct __compile "$BATS_TEST_TMPDIR/hit.bpf.c"
    assert_line --partial "compile cache hit for 'hit.bpf.c'"
    assert_line --partial "LLVM is not mapped in this process"
    refute_line --partial "loading the BPF compiler"
}

# Runs __compile ARGS... -o FIFO in the background and, once it blocks opening the FIFO (after
# the compile), prints how many of its mappings are LLVM's or clang's.
llvm_maps_after_compile() {
    local fifo pid i n
    fifo=$(mktemp -u "$BATS_TEST_TMPDIR/fifo.XXXXXX")
    mkfifo "$fifo"
    "$BCCTOOL" __compile "$@" -o "$fifo" &
    pid=$!
    for i in $(seq 100); do
        grep -q wait_for_partner "/proc/$pid/wchan" 2>/dev/null && break
        sleep 0.05
    done
    n=$(grep -c -e libLLVM -e libclang-cpp "/proc/$pid/maps")
    cat "$fifo" >"$fifo.o"
    wait "$pid" || return 1
    [ -s "$fifo.o" ] || return 1
    echo "$n"
}

@test "/proc/PID/maps: no LLVM in bcctool, on a cache hit or a miss" {
    tiny maps.bpf.c 2
    run llvm_maps_after_compile "$BATS_TEST_TMPDIR/maps.bpf.c"
    assert_success
    assert_output 0
    run llvm_maps_after_compile --no-cache "$BATS_TEST_TMPDIR/maps.bpf.c"
    assert_success
    assert_output 0
}

@test "different defines are different cache entries" {
    local cache="$BATS_TEST_TMPDIR/c"
    BCCTOOL_CACHE_DIR=$cache run_bct __compile "$FIXTURE"
    BCCTOOL_CACHE_DIR=$cache run_bct __compile -D TARGET_PID=1 "$FIXTURE"
    BCCTOOL_CACHE_DIR=$cache run_bct __compile -D TARGET_PID=1 "$FIXTURE"
    assert_equal "$(objs "$cache")" 2
}

@test "a header next to the file is used, and changing it means a new entry" {
    cat >"$BATS_TEST_TMPDIR/val.h" <<EOF
#define VAL 3
EOF
    tiny inc.bpf.c VAL
    sed -i '1i #include "val.h"' "$BATS_TEST_TMPDIR/inc.bpf.c"
    local cache="$BATS_TEST_TMPDIR/c"
    BCCTOOL_CACHE_DIR=$cache run_bct __compile --debug=0x4 "$BATS_TEST_TMPDIR/inc.bpf.c"
    assert_line --partial " return 3;"
    echo '#define VAL 4' >"$BATS_TEST_TMPDIR/val.h"
    BCCTOOL_CACHE_DIR=$cache run_bct __compile "$BATS_TEST_TMPDIR/inc.bpf.c"
    assert_equal "$(objs "$cache")" 2
}

@test "BCCTOOL_SRC_DIR serves an embedded name from a directory" {
    tiny srcdir.bpf.c 5
    cd "$BATS_TEST_TMPDIR" && mkdir -p elsewhere && mv srcdir.bpf.c elsewhere/ && cd elsewhere/..
    BCCTOOL_SRC_DIR="$BATS_TEST_TMPDIR/elsewhere" run_bct __compile srcdir.bpf.c
    assert_output --regexp '^srcdir\.bpf\.c: [0-9]+ bytes$'
}

@test "an unknown embedded program is an error" {
    run_bct 1 __compile no-such-program.bpf.c
    assert_output --partial "no embedded BPF program 'no-such-program.bpf.c'"
}

@test "a tampered cache entry is reported and compiled again" {
    local cache="$BATS_TEST_TMPDIR/c" f
    BCCTOOL_CACHE_DIR=$cache run_bct __compile -o "$BATS_TEST_TMPDIR/a.o" "$FIXTURE"
    f=$(find "$cache/objs" -name '*.o')
    printf 'X' | dd of="$f" bs=1 seek=300 conv=notrunc 2>/dev/null
    BCCTOOL_CACHE_DIR=$cache BCCTOOL_LOG=debug run_bct __compile -o "$BATS_TEST_TMPDIR/b.o" "$FIXTURE"
    assert_line --partial "is corrupt; compiling again"
    assert_line --partial "loading the BPF compiler"
    cmp "$BATS_TEST_TMPDIR/a.o" "$BATS_TEST_TMPDIR/b.o"
    BCCTOOL_CACHE_DIR=$cache BCCTOOL_LOG=debug run_bct __compile "$FIXTURE"
    assert_line --partial "compile cache hit"
}

@test "a truncated cache entry is compiled again" {
    local cache="$BATS_TEST_TMPDIR/c" f
    BCCTOOL_CACHE_DIR=$cache run_bct __compile "$FIXTURE"
    f=$(find "$cache/objs" -name '*.o')
    truncate -s 10 "$f"
    BCCTOOL_CACHE_DIR=$cache run_bct __compile "$FIXTURE"
    assert_line --partial "is corrupt; compiling again"
    assert_line --regexp 'count_getpid\.bpf\.c: [0-9]+ bytes$'
}

@test "a world-writable cache directory is refused with one warning" {
    local cache="$BATS_TEST_TMPDIR/ww"
    mkdir -m 0777 "$cache"
    chmod 0777 "$cache"
    BCCTOOL_CACHE_DIR=$cache BCT_RUN_FLAGS=--separate-stderr run_bct __compile "$FIXTURE"
    assert_output --regexp 'count_getpid\.bpf\.c: [0-9]+ bytes$'
    [[ "$stderr" == *"not using the compile cache: '$cache' is not owned by uid"*"or is writable by group or others"* ]] ||
        fail "no warning: $stderr"
    [ "$(grep -c . <<<"$stderr")" -eq 1 ] || fail "more than one line: $stderr"
    assert_equal "$(objs "$cache")" 0
}

@test "a group-writable cache entry is removed once, with a warning, and compiled again" {
    local cache="$BATS_TEST_TMPDIR/c" f
    BCCTOOL_CACHE_DIR=$cache run_bct __compile "$FIXTURE"
    f=$(find "$cache/objs" -name '*.o')
    chmod g+w "$f"
    BCCTOOL_CACHE_DIR=$cache BCT_RUN_FLAGS=--separate-stderr run_bct __compile "$FIXTURE"
    [[ "$stderr" == *"removed the unsafe compile cache entry '$f'"* ]] || fail "$stderr"
    # the entry written again is sound: later runs hit it without a word
    BCCTOOL_CACHE_DIR=$cache BCT_RUN_FLAGS=--separate-stderr BCCTOOL_LOG=debug run_bct __compile "$FIXTURE"
    [[ "$stderr" == *"compile cache hit"* ]] || fail "$stderr"
    [[ "$stderr" != *"unsafe"* && "$stderr" != *"not using"* ]] || fail "$stderr"
}

@test "a group-writable kernel header is removed once, with a warning, and prepared again" {
    local cache="$BATS_TEST_TMPDIR/c" f
    BCCTOOL_CACHE_DIR=$cache run_bct __compile "$FIXTURE"
    f=$(find "$cache/kernels" -name '*.pch' | head -1)
    [ -n "$f" ] || fail "no precompiled header in $cache"
    chmod g+w "$f"
    BCCTOOL_CACHE_DIR=$cache BCT_RUN_FLAGS=--separate-stderr run_bct __compile --no-cache "$FIXTURE"
    [[ "$stderr" == *"removed the unsafe compile cache entry '$f'"* ]] || fail "$stderr"
    BCCTOOL_CACHE_DIR=$cache BCT_RUN_FLAGS=--separate-stderr run_bct __compile --no-cache "$FIXTURE"
    [[ "$stderr" != *"unsafe"* && "$stderr" != *"not using"* ]] || fail "warned again: $stderr"
}

@test "--no-cache compiles even when cached" {
    BCCTOOL_LOG=debug run_bct __compile --no-cache "$FIXTURE"
    refute_line --partial "compile cache hit"
    assert_line --partial "loading the BPF compiler"
}

@test "BCCTOOL_LOG=debug times each stage of a compile, in ms since the start, in order" {
    BCCTOOL_LOG=debug run_bct __compile --no-cache "$FIXTURE"
    local stage prev=-1 t
    for stage in "BPF compiler loaded" "parsed, and generated LLVM IR" \
        "compiled to optimised LLVM IR" "generated BPF code"; do
        t=$(sed -n "s/^__compile: \[\([0-9.]*\) ms\] $stage.*/\1/p" <<<"$output")
        [ -n "$t" ] || fail "no timed line for '$stage' in: $output"
        awk -v a="$prev" -v b="$t" 'BEGIN { exit !(b >= a) }' || fail "'$stage' at $t ms, before $prev ms"
        prev=$t
    done
}

@test "a compile error prints clang's diagnostic with the file and line, exit 1" {
    printf '#include "vmlinux.h"\nint broken(void) { return undeclared_thing; }\n' \
        >"$BATS_TEST_TMPDIR/broken.bpf.c"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 __compile "$BATS_TEST_TMPDIR/broken.bpf.c"
    assert_output ""
    [[ "$stderr" == *"broken.bpf.c:2:"*"error: use of undeclared identifier 'undeclared_thing'"* ]] ||
        fail "$stderr"
    [[ "$stderr" == *"cannot compile 'broken.bpf.c'"* ]] || fail "$stderr"
}

@test "nothing comes from /usr/include" {
    printf '#include <stdio.h>\n' >"$BATS_TEST_TMPDIR/sys.bpf.c"
    run_bct 1 __compile "$BATS_TEST_TMPDIR/sys.bpf.c"
    assert_output --partial "'stdio.h' file not found"
}

@test "--debug=0x1 prints the LLVM IR for target bpf" {
    BCT_RUN_FLAGS=--separate-stderr run_bct __compile --debug=0x1 "$FIXTURE"
    [[ "$stderr" == *"--debug: LLVM IR after optimisation (count_getpid.bpf.c)"* ]] || fail "$stderr"
    [[ "$stderr" == *'target triple = "bpf'* ]] || fail "$stderr"
    [[ "$stderr" == *"define dso_local"*"@count_getpid("* ]] || fail "$stderr"
}

@test "--debug=0x4 prints the arguments and the preprocessed program" {
    BCT_RUN_FLAGS=--separate-stderr run_bct __compile --debug=preprocessor -D TARGET_PID=4242 "$FIXTURE"
    [[ "$stderr" == *"clang -cc1 -triple bpfel"*"-D TARGET_PID=4242"* ]] || fail "$stderr"
    [[ "$stderr" == *"if (4242 && tgid != 4242)"* ]] || fail "$stderr"
    # vmlinux.h is left out
    [[ "$stderr" != *"struct task_struct {"* ]] || fail "vmlinux.h in the output"
}

@test "--debug=0x8 prints the disassembly with source lines" {
    BCT_RUN_FLAGS=--separate-stderr run_bct __compile --debug=0x8 "$FIXTURE"
    [[ "$stderr" == *"Disassembly of section tracepoint/syscalls/sys_enter_getpid:"* ]] || fail "$stderr"
    [[ "$stderr" == *"; n = bpf_map_lookup_elem(&getpid_count, &zero); [count_getpid.bpf.c:"* ]] ||
        fail "$stderr"
    [[ "$stderr" == *"call 1"* ]] || fail "$stderr"
    [[ "$stderr" == *"; getpid_count"* ]] || fail "no relocation: $stderr"
}

@test "--debug output bypasses a cache hit" {
    BCCTOOL_LOG=debug run_bct __compile --debug=0x1 "$FIXTURE"
    refute_line --partial "compile cache hit"
}

@test "--ebpf prints the defines and the source" {
    run_bct __compile --ebpf -D TARGET_PID=42 -D FLAG "$FIXTURE"
    assert_line --index 0 "#define TARGET_PID 42"
    assert_line --index 1 "#define FLAG 1"
    assert_line --partial 'SEC("tracepoint/syscalls/sys_enter_getpid")'
}

@test "a new kernel cache prepares vmlinux.h and its PCH once" {
    local cache="$BATS_TEST_TMPDIR/fresh"
    BCCTOOL_CACHE_DIR=$cache BCCTOOL_LOG=info run_bct __compile "$FIXTURE"
    assert_line --partial "preparing kernel headers from BTF..."
    run find "$cache/kernels" -name vmlinux.h -size +100k
    assert_output --partial vmlinux.h
    run find "$cache/kernels" -name '*.pch' -size +100k
    assert_output --partial .pch
    grep -q '#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)' \
        "$cache"/kernels/*/vmlinux.h
    BCCTOOL_CACHE_DIR=$cache BCCTOOL_LOG=info run_bct __compile -D TARGET_PID=3 "$FIXTURE"
    refute_line --partial "preparing kernel headers"
}

@test "every embedded program compiles" {
    local p n=0
    for p in "$ROOT"/bpf-src/*.bpf.c; do
        [ -e "$p" ] || continue
        run_bct __compile "$(basename "$p")"
        n=$((n + 1))
    done
    [ "$n" -gt 0 ] || skip "no embedded programs yet"
}

@test "a corrupt cached vmlinux.h or PCH is prepared again, and the run still compiles" {
    local cache="$BATS_TEST_TMPDIR/corrupt" k
    BCCTOOL_CACHE_DIR=$cache run_bct __compile "$FIXTURE"
    k=$(dirname "$(find "$cache/kernels" -name vmlinux.h)")
    # a flipped byte in the middle of vmlinux.h: its end is intact
    printf 'X' | dd of="$k/vmlinux.h" bs=1 seek=100000 conv=notrunc status=none
    BCCTOOL_CACHE_DIR=$cache BCT_RUN_FLAGS=--separate-stderr run_bct __compile -D TARGET_PID=11 "$FIXTURE"
    [[ "$stderr" == *"cached kernel headers '$k/vmlinux.h' are corrupt; preparing them again"* ]] ||
        fail "$stderr"
    BCCTOOL_CACHE_DIR=$cache BCT_RUN_FLAGS=--separate-stderr run_bct __compile -D TARGET_PID=12 "$FIXTURE"
    assert_equal "$stderr" ""
    # flipped bytes in the PCH
    printf 'XXXX' | dd of="$(echo "$k"/*.pch)" bs=1 seek=200000 conv=notrunc status=none
    BCCTOOL_CACHE_DIR=$cache BCT_RUN_FLAGS=--separate-stderr run_bct __compile -D TARGET_PID=13 "$FIXTURE"
    [[ "$stderr" == *"precompiled kernel headers '$k/"*".pch' are corrupt; preparing them again"* ]] ||
        fail "$stderr"
    BCCTOOL_CACHE_DIR=$cache BCT_RUN_FLAGS=--separate-stderr run_bct __compile -D TARGET_PID=14 "$FIXTURE"
    assert_equal "$stderr" ""
}

# bats test_tags=needs:root
@test "a full cache file system: one warning, the compile is done in memory" {
    require_root
    local fs="$BATS_TEST_TMPDIR/small"
    mkdir -p "$fs"
    mount -t tmpfs -o size=2m tmpfs "$fs" || skip "cannot mount a tmpfs"
    dd if=/dev/zero of="$fs/filler" bs=64k count=100 status=none 2>/dev/null || true
    BCCTOOL_CACHE_DIR=$fs/cache BCT_RUN_FLAGS=--separate-stderr run_bct "?" __compile -o "$BATS_TEST_TMPDIR/o" "$FIXTURE"
    local rc=$status err=$stderr
    umount "$fs"
    assert_equal "$rc" 0
    assert_equal "$err" "__compile: the compile cache '$fs/cache' is full; compiling in memory"
    [ -s "$BATS_TEST_TMPDIR/o" ] || fail "no object"
}
