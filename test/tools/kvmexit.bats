#!/usr/bin/env bats
# bats file_tags=needs:bpf
# kvmexit: attaches to kvm:kvm_exit and prints BCC's header and summary. VM exits need a KVM
# host running guests (/dev/kvm and a VMM); the test machine has none, so the summaries must
# be empty, and the options are checked through their headers and errors.
load ../helpers

setup() {
    require_bpf
    BG=()
    [ -d "$(tracefs_dir)/events/kvm/kvm_exit" ] || skip "no kvm:kvm_exit tracepoint (kvm not built in or loaded)"
}

teardown() {
    bg_kill
}

# no_exits: true when no guest can run here, so that no row may appear
no_exits() {
    [ ! -e /dev/kvm ]
}

@test "kvmexit: header, Ctrl-C, empty line and the column header" {
    tracer_start kvmexit
    tracer_stop
    [ "$(sed -n 1p "$OUT")" = "Display kvm exit reasons and statistics for all threads... Hit Ctrl-C to end." ]
    [ "$(sed -n 2p "$OUT")" = "" ]
    [ "$(sed -n 3p "$OUT")" = "PID      TID      KVM_EXIT_REASON                     COUNT" ]
    if no_exits; then
        [ "$(wc -l <"$OUT")" -eq 3 ] || fail "rows without KVM: $(cat "$OUT")"
    else
        run awk 'NR > 3 && !/^[0-9]+ +[0-9]+ +[A-Z_\/]+ +[0-9]+ *$/' "$OUT"
        [ -z "$output" ] || fail "malformed rows: $output"
    fi
}

@test "kvmexit DURATION: exits by itself, the headers of -p, -p -a, -t and -T" {
    run_bct 0 kvmexit -p $$ 1
    [ "${lines[0]}" = "Display kvm exit reasons and statistics for PID $$ after sleeping 1 secs." ]
    [ "${lines[1]}" = "KVM_EXIT_REASON                     COUNT" ]
    no_exits && [ "${#lines[@]}" -eq 2 ]
    run_bct 0 kvmexit -p $$ -a 0
    [ "${lines[0]}" = "Display kvm exit reasons and statistics for PID $$ and its all threads after sleeping 0 secs." ]
    [ "${lines[1]}" = "TID      KVM_EXIT_REASON                     COUNT" ]
    run_bct 0 kvmexit -t 12345 0
    [ "${lines[0]}" = "Display kvm exit reasons and statistics for TID 12345 after sleeping 0 secs." ]
    [ "${lines[1]}" = "KVM_EXIT_REASON                     COUNT" ]
    run_bct 0 kvmexit -T 12345,12346 0
    [ "${lines[0]}" = "Display kvm exit reasons and statistics for TIDS 12345,12346 after sleeping 0 secs." ]
    [ "${lines[1]}" = "TIDS     KVM_EXIT_REASON                     COUNT" ]
    [ "${#lines[@]}" -eq 2 ]
}

@test "kvmexit -T: the thread list reaches the BPF program" {
    run_bct 0 kvmexit --ebpf -T 12345,12346
    [[ "$output" == *"#define KVMEXIT_TIDS {12345,12346}"* ]] || fail "no thread list in: ${lines[*]:0:5}"
    run_bct 0 kvmexit --ebpf -p 77
    [[ "$output" == *"#define KVMEXIT_TGID 77"* ]]
}

@test "kvmexit -v: a process without vCPU threads exits 1 with one line" {
    run_bct 1 kvmexit -p $$ -v 0 0
    [[ "$output" == *"no vCPU 0 in PID $$"* ]]
}

@test "kvmexit --json: attaches, no header, objects only" {
    tracer_start kvmexit --json
    tracer_stop
    if no_exits; then
        [ ! -s "$OUT" ] || fail "output without KVM: $(cat "$OUT")"
    else
        run jq -e -s 'all(has("tid") and has("exit_reason") and has("count"))' "$OUT"
        [ "$status" -eq 0 ]
    fi
}

@test "kvmexit: bad arguments exit 2" {
    run_bct 2 kvmexit -t 1 -T 2,3
    [[ "$output" == *"not allowed with argument"* ]]
    run_bct 2 kvmexit -p 1 -a -v 0
    run_bct 2 kvmexit -T 1,x
    run_bct 2 kvmexit -p abc
    run_bct 2 kvmexit 1 2
    run_bct 2 kvmexit -Z
}
