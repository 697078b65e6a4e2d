#!/usr/bin/env bats
# The engine's user interface without loading BPF (tier 0): --info's shape, __selftest's
# argument checks and --ebpf, the privilege message.
load helpers

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

setup() {
    export BCCTOOL_SRC_DIR="$ROOT/test/fixtures/bpf"
}

@test "--info prints every fact, one per line" {
    run_bct --info
    local key
    for key in kernel btf tracefs privileges lockdown "ring buffer" llvm libbpf bcctool cache; do
        assert_line --regexp "^$key: +[^ ]"
    done
    assert_line "attach types:"
    for key in kprobe fentry tp_btf raw_tp tracepoint uprobe perf_event; do
        assert_line --regexp "^  $key +(yes|no: .+)$"
    done
}

@test "--info --json is one object with stable keys" {
    BCT_RUN_FLAGS=--separate-stderr run_bct --info --json
    [ "${#lines[@]}" -eq 1 ]
    jq -e '(.kernel | type) == "string" and (.btf | type) == "boolean"
        and (.privileged | type) == "boolean" and has("tracefs") and has("lockdown")
        and has("ringbuf") and (.llvm | type) == "string" and (.libbpf | type) == "string"
        and (.cache.exists | type) == "boolean"
        and ([.attach | keys[]] | sort) == ["fentry","kprobe","perf_event","raw_tp","tp_btf","tracepoint","uprobe"]
        and all(.attach[]; (.available | type) == "boolean"
                and (.available or (.reason | type) == "string"))' <<<"$output"
}

@test "--info --help is help on stdout" {
    BCT_RUN_FLAGS=--separate-stderr run_bct --info --help
    assert_output --partial "Usage:"
    [ -z "$stderr" ]
}

@test "--info rejects arguments" {
    run_bct 2 --info bogus
    assert_output --partial "unrecognized argument: 'bogus'"
}

@test "__selftest checks its arguments" {
    run_bct 2 __selftest
    assert_output --partial "missing test name"
    run_bct 2 __selftest frobnicate
    assert_output --partial "unknown test: 'frobnicate'"
    run_bct 2 __selftest getpid
    assert_output --partial "getpid needs a count"
    run_bct 2 __selftest getpid x
    assert_output --partial "invalid count: 'x'"
    run_bct 2 __selftest getpid --ring-bytes 12 3
    assert_output --partial "invalid ring size: '12'"
}

@test "__selftest --ebpf prints the defines and the source, without privileges" {
    local run=()
    if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
        run=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
        # the program from a copy nobody can read wherever the tree is (a private clone)
        BCCTOOL_SRC_DIR=$(mktemp -d /tmp/bct-src.XXXXXX)
        chmod 755 "$BCCTOOL_SRC_DIR"
        cp "$ROOT"/test/fixtures/bpf/*.bpf.c "$BCCTOOL_SRC_DIR"
    fi
    run "${run[@]}" "$BCCTOOL" __selftest --ebpf getpid 1
    [ "${#run[@]}" -eq 0 ] || rm -rf "$BCCTOOL_SRC_DIR"
    [ "$status" -eq 0 ]
    assert_line --regexp '^#define TARGET_TGID [0-9]+$'
    assert_line 'SEC("tracepoint/syscalls/sys_enter_getpid")'
}

@test "loading without privileges: one clear message, exit 1" {
    local run=()
    if [ "$(id -u)" -eq 0 ]; then
        command -v setpriv >/dev/null || skip "no setpriv"
        run=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    fi
    run "${run[@]}" "$BCCTOOL" __selftest getpid 1
    [ "$status" -eq 1 ]
    assert_output "__selftest: needs root or CAP_BPF+CAP_PERFMON to load BPF programs"
}

@test "BCCTOOL_DISABLE_ATTACH says a word that is no attach kind is taken as a method name" {
    BCCTOOL_DISABLE_ATTACH=bogus run_bct --info
    assert_line "__info: BCCTOOL_DISABLE_ATTACH: 'bogus' is no attach kind: taken as a method name"
}
