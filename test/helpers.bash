# Shared bats helpers. Every test runs bcctool through run_bct, never a bare tool name
# (Debian's libbpf-tools owns /usr/sbin/opensnoop and friends).
bats_require_minimum_version 1.8.0

# bats_load_library sources a library's load.bash, which forks a dirname per file: ~0.4 s per
# test under bats' debug trap, and every test loads this file. Source the files directly.
bct_load_library() {
    local d f
    for d in ${BATS_LIB_PATH//:/ } /usr/lib/bats; do
        [ -f "$d/$1/load.bash" ] || continue
        if [ -d "$d/$1/src" ]; then
            for f in "$d/$1"/src/*.bash; do source "$f"; done
            return 0
        fi
        break
    done
    bats_load_library "$1"
}
bct_load_library bats-support
bct_load_library bats-assert

: "${BCCTOOL:=$(cd "$BATS_TEST_DIRNAME" && cd "$(git rev-parse --show-toplevel)" && pwd)/build/bcctool}"
: "${BCCTOOL_BUILD:=$(dirname "$BCCTOOL")}"
export BCCTOOL BCCTOOL_BUILD

# run_bct [EXPECTED_RC|'?'] ARGS...   runs "$BCCTOOL ARGS..." under a timeout (BCT_TIMEOUT,
# default 30 s), echoes the command, checks the exit code (default 0) and echoes the output,
# which bats shows only when the test fails. Extra bats run flags: set BCT_RUN_FLAGS, e.g.
# BCT_RUN_FLAGS=--separate-stderr.
run_bct() {
    local expect=0
    case "${1-}" in
        '?' | [0-9] | [0-9][0-9] | [0-9][0-9][0-9]) expect=$1; shift ;;
    esac
    echo "\$ bcctool $*"
    # shellcheck disable=SC2086
    local rc_flag=()
    [ "$expect" = '?' ] || rc_flag=("-$expect")
    # shellcheck disable=SC2086
    run "${rc_flag[@]}" ${BCT_RUN_FLAGS-} timeout --preserve-status -s INT "${BCT_TIMEOUT:-30}" \
        "$BCCTOOL" "$@"
    echo "$output"
    if [ -n "${stderr-}" ]; then echo "stderr: $stderr"; fi
}

require_root() {
    [ "$(id -u)" -eq 0 ] || skip "needs root"
}

# Skips unless the kernel really lets us load BPF (probed once by setup_suite).
require_bpf() {
    require_root
    [ "${BCT_HAVE_BPF:-}" = 1 ] || skip "kernel refused a BPF program load: ${BCT_BPF_WHY:-unknown}"
}

# Path of a tracefs file, mounting tracefs the way bcctool does when neither path is mounted.
tracefs_dir() {
    local d
    for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
        if [ "$(stat -f -c %T "$d" 2>/dev/null)" = tracefs ]; then echo "$d"; return; fi
    done
    mount -t tracefs tracefs /sys/kernel/tracing && echo /sys/kernel/tracing
}
