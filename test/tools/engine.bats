#!/usr/bin/env bats
# bats file_tags=needs:bpf
# The engine end to end (compile, load, method choice, attach, event stream, verifier reports)
# through the hidden `bcctool __selftest` command and the fixtures in test/fixtures/bpf/.
# engine_getpid.bpf.c counts this process's getpid() calls with tp_btf (preferred) or a
# tracepoint, and sends one event per call.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

setup() {
    require_bpf
    export BCCTOOL_SRC_DIR="$ROOT/test/fixtures/bpf"
    unset BCCTOOL_DISABLE_ATTACH BCCTOOL_NO_RINGBUF
    BG=
}

teardown() {
    if [ -n "$BG" ]; then
        kill -KILL "$BG" 2>/dev/null || true
        wait "$BG" 2>/dev/null || true
    fi
}

# Number of loaded BPF programs of the fixtures (their names all start with st_).
st_progs() {
    bpftool prog show | grep -c ' name st_' || true
}

# True once no fixture program is loaded: the kernel frees a program shortly after its last
# reference goes (an RCU grace period), so allow it up to 5 s.
st_progs_gone() {
    for _ in $(seq 50); do
        [ "$(st_progs)" -eq 0 ] && return 0
        sleep 0.1
    done
    bpftool prog show | grep -A3 ' name st_'
    return 1
}

# Starts "bcctool __selftest stream ARGS" in the background; returns once its header is out,
# i.e. once the programs are attached.
start_stream() {
    OUT=$BATS_TEST_TMPDIR/stream.out
    ERR=$BATS_TEST_TMPDIR/stream.err
    "$BCCTOOL" __selftest stream "$@" >"$OUT" 2>"$ERR" &
    BG=$!
    for _ in $(seq 100); do
        [ -s "$OUT" ] && return 0
        kill -0 "$BG" 2>/dev/null || break
        sleep 0.1
    done
    cat "$ERR"
    fail "__selftest stream did not start"
}

# Checks __selftest's "events:" and "lost:" lines in $output: some were lost, and together they
# account for all TOTAL events; sets LOST for the caller's stderr checks.
assert_lost_accounted() {
    local total=$1 events
    events=$(sed -n 's/^events: //p' <<<"$output")
    LOST=$(sed -n 's/^lost: //p' <<<"$output")
    [ "$LOST" -gt 0 ] || fail "nothing lost: $output"
    [ $((events + LOST)) -eq "$total" ] || fail "events $events + lost $LOST != $total"
}

@test "engine: counts exactly the getpid() calls it causes (tp_btf, ring buffer)" {
    st_progs_gone
    run_bct __selftest getpid 5000
    assert_line "method: tp_btf"
    assert_line "transport: ringbuf"
    assert_line "count: 5000"
    assert_line "events: 5000"
    assert_line "lost: 0"
    assert_line "foreign: 0"
    st_progs_gone
}

@test "engine: BCCTOOL_DISABLE_ATTACH=tp_btf falls back to the tracepoint method" {
    export BCCTOOL_DISABLE_ATTACH=tp_btf
    run_bct __selftest getpid 3000
    assert_line "method: tracepoint"
    assert_line "count: 3000"
    assert_line "events: 3000"
}

@test "engine: no method left prints every attempt and why, exit 1" {
    export BCCTOOL_DISABLE_ATTACH=tp_btf,tracepoint
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 __selftest getpid 10
    assert_output ""
    [ "$stderr" = "__selftest: cannot attach 'getpid syscalls': tp_btf: disabled by BCCTOOL_DISABLE_ATTACH; tracepoint: disabled by BCCTOOL_DISABLE_ATTACH" ]
    st_progs_gone
}

@test "engine: an optional hook that cannot attach is one warning line" {
    BCT_RUN_FLAGS=--separate-stderr run_bct __selftest getpid --optional-hook 100
    assert_line "count: 100"
    [ "$stderr" = "__selftest: cannot attach 'imaginary syscalls', going on without it: tracepoint: no tracepoint syscalls:sys_enter_bct_nonexistent" ]
}

@test "engine: an optional program whose target is missing is skipped quietly" {
    export BCCTOOL_DISABLE_ATTACH=tp_btf
    BCT_RUN_FLAGS=--separate-stderr run_bct __selftest getpid 100
    assert_line "method: tracepoint"
    assert_line "count: 100"
    [ -z "$stderr" ]
}

@test "engine: the perf buffer path delivers every event too" {
    export BCCTOOL_NO_RINGBUF=1
    run_bct __selftest getpid 2000
    assert_line "transport: perfbuf"
    assert_line "count: 2000"
    assert_line "events: 2000"
    assert_line "lost: 0"
}

@test "engine: a full perf buffer counts the kernel's lost records and reports them" {
    export BCCTOOL_NO_RINGBUF=1
    # 100000 events while nobody reads: far more than 64 pages per CPU hold
    BCT_RUN_FLAGS=--separate-stderr run_bct __selftest getpid 100000
    assert_line "transport: perfbuf"
    assert_lost_accounted 100000
    [[ "$stderr" == *"__selftest: lost $LOST events in total"* ]]
}

@test "engine: a full ring counts lost events and reports them on stderr" {
    BCT_RUN_FLAGS=--separate-stderr run_bct __selftest getpid --ring-bytes 4096 1000
    assert_line "count: 1000"
    assert_lost_accounted 1000
    [[ "$stderr" == *"__selftest: Possibly lost $LOST events"* ]]
    [[ "$stderr" == *"__selftest: lost $LOST events in total"* ]]
}

@test "engine: --json output is NDJSON with lost_events records" {
    local out=$BATS_TEST_TMPDIR/json.out rc=0
    # 3 s: a cache miss on a loaded machine can take most of a second before it traces
    timeout --preserve-status -s INT 3 "$BCCTOOL" __selftest stream --json --ring-bytes 4096 \
        --burst 1000 >"$out" 2>"$BATS_TEST_TMPDIR/json.err" || rc=$?
    [ "$rc" -eq 0 ]
    head -3 "$out"
    # every line is an object: an event with the column keys, or a loss record
    jq -e -s 'length > 0 and all(.[]; (has("seq") and has("tgid") and has("method"))
        or (keys == ["lost_events"]))' "$out" >/dev/null
    jq -e -s 'any(.[]; has("lost_events") and .lost_events > 0)' "$out" >/dev/null
    jq -e -s 'any(.[]; .method == "tp_btf")' "$out" >/dev/null
}

@test "engine: text output has the header and fixed-width columns" {
    # 3 s: a cache miss on a loaded machine can take most of a second before the header
    run timeout --preserve-status -s INT 3 "$BCCTOOL" __selftest stream
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "SEQ         TGID METHOD" ]
    [[ "${lines[1]}" =~ ^0\ {8}\ *[0-9]+\ tp_btf$ ]]
}

@test "engine: SIGINT stops cleanly, exit 0, nothing left loaded" {
    st_progs_gone
    start_stream
    [ "$(st_progs)" -ge 1 ]
    kill -INT "$BG"
    local rc=0
    wait "$BG" || rc=$?
    BG=
    [ "$rc" -eq 0 ]
    st_progs_gone
    [ "$(wc -l <"$OUT")" -ge 2 ]
}

@test "engine: SIGTERM stops cleanly, exit 0, nothing left loaded" {
    start_stream
    [ "$(st_progs)" -ge 1 ]
    kill -TERM "$BG"
    local rc=0
    wait "$BG" || rc=$?
    BG=
    [ "$rc" -eq 0 ]
    st_progs_gone
}

@test "engine: a closed pipe is a clean stop, exit 0, nothing left loaded" {
    run bash -c '"$BCCTOOL" __selftest stream | head -n 3; echo "rc=${PIPESTATUS[0]}"'
    assert_line --index 0 "SEQ         TGID METHOD"
    assert_line "rc=0"
    [ "${#lines[@]}" -eq 4 ]
    st_progs_gone
}

@test "engine: output that cannot be written (a full disk) is one error line, exit 1" {
    local rc=0 err=$BATS_TEST_TMPDIR/err
    timeout 20 "$BCCTOOL" __selftest stream >/dev/full 2>"$err" || rc=$?
    assert_equal "$rc" 1
    assert_equal "$(cat "$err")" "__selftest: cannot write output: No space left on device"
    st_progs_gone
}

@test "engine: a verifier rejection shows the log tail, the source line and a hint" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 __selftest load engine_nullcheck.bpf.c
    assert_output ""
    [[ "$stderr" == *"__selftest: BPF program 'st_bad_lookup' was rejected by the verifier: R0 invalid mem access 'map_value_or_null'"* ]]
    [[ "$stderr" == *"__selftest: verifier log (last "* ]]
    grep -Eq "^__selftest: failing source line: engine_nullcheck\.bpf\.c:[0-9]+: \*n \+= 1;" <<<"$stderr"
    [[ "$stderr" == *"__selftest: hint: a pointer that may be NULL"* ]]
    # libbpf's own "-- BEGIN PROG LOAD LOG --" dump is not repeated
    [[ "$stderr" != *"BEGIN PROG LOAD LOG"* ]]
    st_progs_gone
}

@test "engine: a failed CO-RE relocation names the missing field" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 __selftest load engine_corefail.bpf.c
    [[ "$stderr" == *"__selftest: BPF program 'st_core_fail' reads field 'st_no_such_field' of 'struct task_struct', which this kernel does not have (CO-RE relocation failed)"* ]]
    grep -q "^__selftest: failing source line: engine_corefail\.bpf\.c:[0-9]*: " <<<"$stderr"
}

@test "engine: --debug=0x2 shows BPF instructions and the verifier log, on stderr only" {
    BCT_RUN_FLAGS=--separate-stderr run_bct __selftest getpid --debug=0x2 5
    assert_line "count: 5"
    [[ "$stderr" == *"=== __selftest: BPF instructions: st_btf_getpid ==="* ]]
    [[ "$stderr" == *"call bpf_get_current_pid_tgid#14"* ]]
    [[ "$stderr" == *"=== __selftest: verifier log (level 1): st_btf_getpid ==="* ]]
    [[ "$stderr" == *"processed "*" insns"* ]]
}

@test "engine: --debug=0x10 shows the register state (verifier log level 2)" {
    BCT_RUN_FLAGS=--separate-stderr run_bct __selftest getpid --debug=0x10 5
    [[ "$stderr" == *"=== __selftest: verifier log (level 2): st_btf_getpid ==="* ]]
    [[ "$stderr" == *"R1=ctx()"* ]]
}

@test "engine: --debug=0x20 shows libbpf's debug messages" {
    BCT_RUN_FLAGS=--separate-stderr run_bct __selftest getpid --debug=0x20 5
    [[ "$stderr" == *"=== __selftest: libbpf: open, CO-RE relocation, load ==="* ]]
    [[ "$stderr" == *"__selftest: libbpf: loading object 'engine_getpid'"* ]]
}

@test "engine: without privileges, one clear message and exit 1" {
    command -v setpriv >/dev/null || skip "no setpriv"
    run setpriv --reuid=nobody --regid=nogroup --clear-groups "$BCCTOOL" __selftest getpid 1
    [ "$status" -eq 1 ]
    assert_output "__selftest: needs root or CAP_BPF+CAP_PERFMON to load BPF programs"
}

@test "engine: --info values agree with the kernel" {
    run_bct --info --json
    local j=$output
    [ "$(jq -r .privileged <<<"$j")" = true ]
    [ "$(jq -r .attach.tracepoint.available <<<"$j")" = true ]
    [ "$(jq -r .kernel <<<"$j")" = "$(uname -r)" ]
    local rb=false
    bpftool feature probe kernel 2>/dev/null | grep -q "map_type ringbuf is available" && rb=true
    [ "$(jq -r .ringbuf <<<"$j")" = "$rb" ]
    local kp=false
    if [ -e /sys/bus/event_source/devices/kprobe/type ] || [ -e "$(tracefs_dir)/kprobe_events" ]; then
        kp=true
    fi
    [ "$(jq -r .attach.kprobe.available <<<"$j")" = "$kp" ]
    [ "$(jq -r .tracefs <<<"$j")" = "$(tracefs_dir)" ]
}

@test "engine: --info shows BCCTOOL_DISABLE_ATTACH" {
    export BCCTOOL_DISABLE_ATTACH=tp_btf,raw_tp
    run_bct --info
    assert_line "  tp_btf      no: disabled by BCCTOOL_DISABLE_ATTACH"
    assert_line "  raw_tp      no: disabled by BCCTOOL_DISABLE_ATTACH"
    assert_line "  tracepoint  yes"
}

# The probe memo of the running boot in a fresh cache directory.
memo_file() {
    local f
    f=$(echo "$BCCTOOL_CACHE_DIR"/kernels/boot-*.probes)
    [ -f "$f" ] || fail "no probe memo in $BCCTOOL_CACHE_DIR/kernels"
    echo "$f"
}

@test "engine: probe answers are remembered for the boot and used by the next run" {
    export BCCTOOL_CACHE_DIR=$BATS_TEST_TMPDIR/cache
    run_bct __selftest getpid 10
    assert_line "method: tp_btf"
    local memo
    memo=$(memo_file)
    run grep -x "tp_btf 0" "$memo"
    assert_success
    # a remembered refusal is believed: no probing, the next method
    sed -i 's/^tp_btf 0$/tp_btf -1/' "$memo"
    run_bct __selftest getpid 10
    assert_line "method: tracepoint"
    assert_line "count: 10"
}

@test "engine: a failure after remembered answers drops the memo; the next run probes again" {
    export BCCTOOL_CACHE_DIR=$BATS_TEST_TMPDIR/cache
    run_bct __selftest getpid 10
    local memo
    memo=$(memo_file)
    sed -i -e 's/^tp_btf 0$/tp_btf -1/' -e '/^tracepoint /d' "$memo"
    echo "tracepoint -1" >>"$memo"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 __selftest getpid 10
    [[ "$stderr" == "__selftest: cannot attach 'getpid syscalls': tp_btf: "*"; tracepoint: "* ]]
    [ ! -e "$memo" ]
    run_bct __selftest getpid 10
    assert_line "method: tp_btf"
    run grep -x "tp_btf 0" "$memo"
    assert_success
}

@test "engine: a probe memo of another kernel build is not believed" {
    export BCCTOOL_CACHE_DIR=$BATS_TEST_TMPDIR/cache
    run_bct __selftest getpid 10
    local memo
    memo=$(memo_file)
    sed -i -e 's/^kernel .*/kernel 0.0.0-other #1/' -e 's/^tp_btf 0$/tp_btf -1/' "$memo"
    run_bct __selftest getpid 10
    assert_line "method: tp_btf"
    run grep -x "kernel $(uname -r) $(uname -v)" "$memo"
    assert_success
}
