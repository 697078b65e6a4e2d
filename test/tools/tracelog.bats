#!/usr/bin/env bats
# bats file_tags=needs:bpf,serial
# bcctool tracelog: the kernel's trace_pipe, fed by a `bcctool run --trace-pipe` program that
# printks each getpid() of a marked syscaller. Serial: trace_pipe is consumed by its readers.
load ../helpers

N=20

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
}

teardown() {
    bg_kill
}

reads_trace_pipe() {
    local fd
    for fd in /proc/"$1"/fd/*; do
        [[ "$(readlink "$fd" 2>/dev/null)" == */trace_pipe ]] && return 0
    done
    return 1
}

@test "tracelog: bpf_trace_printk lines of run --trace-pipe, text and --json" {
    local json
    for json in "" --json; do
        bg_workload W syscaller -n "$N" getpid
        "$BCCTOOL" tracelog $json >"$T/log$json" 2>"$T/err" &
        LOG=$!
        BG+=("$LOG")
        wait_for "$LOG" 1000 reads_trace_pipe "$LOG" || fail "tracelog never opened trace_pipe"
        "$BCCTOOL" run --trace-pipe -D TGT="$W" -e 'TRACEPOINT_PROBE(syscalls, sys_enter_getpid) {
            if (bpf_get_current_pid_tgid() >> 32 == TGT) bpf_trace_printk("tlog %d\n", TGT);
            return 0; }' >"$T/run.out" 2>&1 &
        RUN=$!
        BG+=("$RUN")
        wait_for "$RUN" 6000 has_bpf_links "$RUN" || { cat "$T/run.out"; fail "run never attached"; }
        go_workload "$W"
        # (counted on each try: trace_pipe hands the lines over when it reads them)
        wait_for - 300 lines_ge "tlog $W" "$T/log$json" "$N" || true
        kill -INT "$RUN" "$LOG"
        wait "$RUN"
        wait "$LOG"
        [ ! -s "$T/err" ]
        # the run itself printed nothing: its messages went to trace_pipe
        [ ! -s "$T/run.out" ]
        # The task is the kernel's: "<...>" when trace_pipe was read before the task's comm
        # reached the kernel's saved_cmdlines (it is saved at the task's next switch).
        if [ -z "$json" ]; then
            [ "$(grep -Ec "^ *(syscaller|<\.\.\.>)-$W +\[[0-9]{3}\] .* [0-9]+\.[0-9]{6}: bpf_trace_printk: tlog $W\$" "$T/log")" -eq "$N" ]
        else
            [ "$(jq -c "select(.msg == \"tlog $W\" and .pid == $W and (.task == \"syscaller\" or .task == \"<...>\") and .func == \"bpf_trace_printk\")" "$T/log--json" | wc -l)" -eq "$N" ]
        fi
    done
}

@test "tracelog: bad usage exits 2" {
    run_bct 2 tracelog extra
    run_bct 2 tracelog -d 0
}
