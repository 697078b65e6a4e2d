#!/usr/bin/env bats
# cobjnew: BCC's name for uobjnew -l c: malloc() sizes of one process (test/workloads/leaker
# allocates N blocks of a marked size).
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

@test "cobjnew is uobjnew -l c" {
    local out=$BATS_TEST_TMPDIR/leaker.out
    "$(workload leaker)" -w -n 4 -s 7654 >"$out" &
    local p=$!
    BG+=("$p")
    wait_for "$p" 1000 grep -qx ready "$out" || fail "leaker never got ready"
    tracer_start cobjnew "$p"
    kill -USR1 "$p"
    wait_for "$p" 1000 grep -qx done "$out" || fail "leaker never finished"
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing allocations in process $p (language: c)... Ctrl-C to quit." ]
    [ "$(grep -cxF "$(printf '%-30s %8d %12d' 'block size 7654' 4 30616)" "$OUT")" -eq 1 ]
    run_bct 2 cobjnew --no-such-option "$p"
}
