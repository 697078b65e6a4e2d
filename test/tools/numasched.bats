#!/usr/bin/env bats
# bats file_tags=needs:bpf
# numasched: a marked shell (a copy of sh named numahop) moves itself over every CPU with
# taskset and sleeps on each, so that every CPU's node sees it switch out. On a machine with
# one NUMA node no move can happen and no row may appear; with several nodes each row of it
# must show a move between two different nodes.
load ../helpers

setup() {
    require_bpf
    BG=()
    HOP=$BATS_TEST_TMPDIR/numahop
    cp /bin/sh "$HOP"
    NCPU=$(nproc --all)
}

teardown() {
    bg_kill
}

nodes() {
    ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l
}

# hop: runs numahop over every CPU (twice), then it exits 0
hop() {
    "$HOP" -c 'for r in 1 2; do c=0; while [ $c -lt '"$NCPU"' ]; do
        taskset -pc $c $$ >/dev/null 2>&1; sleep 0.01; c=$((c + 1)); done; done'
}

check_rows() {
    local pattern=$1
    if [ "$(nodes)" -lt 2 ]; then
        [ "$(wc -l <"$OUT")" -eq 2 ] || fail "rows on a one-node machine: $(cat "$OUT")"
    else
        run awk -v p="$pattern" 'NR > 2 && $0 ~ p && ($4 == $6 || $5 != "->")' "$OUT"
        [ -z "$output" ] || fail "rows without a move: $output"
        grep -q "$pattern" "$OUT" || fail "no move of numahop on $(nodes) nodes"
    fi
}

@test "numasched: title, header, and the marked task's moves" {
    tracer_start numasched
    hop
    tracer_stop
    [ "$(sed -n 1p "$OUT")" = "Tracing task NUMA switch..." ]
    [ "$(sed -n 2p "$OUT")" = "TIME     PID      TID      SRC_NID     DST_NID  COMM    " ]
    run awk 'NR > 2 && !/^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] [0-9 ]{8} [0-9 ]{8} [0-9 ]{8} -> [0-9 ]{8} /' "$OUT"
    [ -z "$output" ] || fail "malformed rows: $output"
    check_rows ' numahop *$'
}

@test "numasched -c: only the named command; -p: only that process" {
    tracer_start numasched -c numahop
    hop
    tracer_stop
    run awk 'NR > 2 && $NF != "numahop"' "$OUT"
    [ -z "$output" ] || fail "other commands with -c: $output"
    check_rows ' numahop *$'
    tracer_start numasched -p 1
    hop
    tracer_stop
    run awk 'NR > 2 && $2 != 1' "$OUT"
    [ -z "$output" ] || fail "other processes with -p 1: $output"
}

@test "numasched -p/-t: the filters reach the BPF program" {
    run_bct 0 numasched --ebpf -p 4242
    [[ "$output" == *"#define FILTER_PID 4242"* ]]
    run_bct 0 numasched --ebpf -t 4243
    [[ "$output" == *"#define FILTER_TID 4243"* ]]
}

@test "numasched --json: attaches; objects with the documented keys" {
    tracer_start numasched --json -c numahop
    hop
    tracer_stop
    if [ "$(nodes)" -lt 2 ]; then
        [ ! -s "$OUT" ] || fail "moves on a one-node machine: $(cat "$OUT")"
    else
        run jq -e -s 'length > 0 and all(keys == ["comm", "dst_nid", "pid", "src_nid", "tid", "time"])' "$OUT"
        [ "$status" -eq 0 ]
    fi
}

@test "numasched: bad arguments exit 2" {
    run_bct 2 numasched -Z
    run_bct 2 numasched extra
    run_bct 2 numasched -p abc
    run_bct 2 numasched -c
}
