#!/usr/bin/env bats
# ustat: runtime processes found by command name, their USDT events counted per second.
# test/workloads/langprobes, copied under the name "python" (so its command name is a Python
# runtime's), fires N x 2 function__entry (METHOD) and G gc__start (GC) probes. Other Python
# processes may run at the same time: only the workload's rows are counted.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
    PY=$BATS_TEST_TMPDIR/bin/python
    mkdir -p "${PY%/*}"
    cp "$(workload langprobes)" "$PY"
}

teardown() {
    bg_kill
}

# py_run N G ARGS...: the fake python waiting, the tracer (ARGS) started, the probes fired,
# then the tracer stopped once it printed a table after the workload's exit.
py_run() {
    local n=$1 g=$2 out=$BATS_TEST_TMPDIR/py.out
    shift 2
    "$PY" -w "$n" "$g" >"$out" &
    WL=$!
    BG+=("$WL")
    wait_for "$WL" 1000 grep -qx ready "$out" || fail "the workload never got ready"
    tracer_start "$@"
    [[ " $* " != *" --json "* ]] || sleep 0.2
    kill -USR1 "$WL"
    wait "$WL"
    # text: two more tables, so the one counting the workload's last events is printed; JSON
    # (no rows once the workload is gone): one more interval
    if [[ " $* " == *" --json "* ]]; then
        sleep "${INTERVAL:-1}.3"
    else
        local t
        t=$(tables)
        wait_for "$TRACER" 500 tables_ge $((t + 2)) || fail "no table after the workload"
    fi
    tracer_stop
}

tables() {
    grep -c '^PID ' "$OUT" || true
}

tables_ge() {
    [ "$(tables)" -ge "$1" ]
}

# sum COLUMN: the sum of a column over the workload's rows
sum() {
    awk -v p="$WL" -v c="$1" '$1 == p { s += $c } END { print s + 0 }' "$OUT"
}

@test "pythonstat -C: BCC's banner, head and columns; METHOD/s and GC/s of the workload" {
    py_run 6 3 pythonstat -C
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing... Output every 1 secs. Hit Ctrl-C to end" ]
    [ "$(sed -n 2p "$OUT")" = "" ]
    sed -n 3p "$OUT" | grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2} loadavg: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+$'
    [ "$(sed -n 4p "$OUT")" = "" ]
    [ "$(sed -n 5p "$OUT")" = "PID    CMDLINE              METHOD/s   GC/s   OBJNEW/s   CLOAD/s  EXC/s  THR/s " ]
    [ "$(sum 3)" -eq 12 ]
    [ "$(sum 4)" -eq 3 ]
    [ "$(awk -v p="$WL" '$1 == p && ($5 + $6 + $7 + $8) != 0' "$OUT" | wc -l)" -eq 0 ]
    # the row's layout: PID, the command line's first 20 characters
    local row
    row=$(awk -v p="$WL" '$1 == p' "$OUT" | head -1)
    [ "${row:0:28}" = "$(printf '%-6d %-20.20s ' "$WL" "$PY -w 6 3 ")" ]
    [ "$(tail -1 "$OUT")" = "Detaching..." ]
}

@test "ustat -l python --json, 2 s intervals: per-second rates; -S gc sorts, -r 1 keeps one row" {
    INTERVAL=2 py_run 8 4 ustat -l python --json 2
    cat "$OUT"
    # 16 calls and 4 GCs in 2 s: 8 and 2 per second (one less when the events straddle two
    # intervals and both halves are odd: rates are truncated, as BCC's)
    local m g
    m=$(jq -r --argjson p "$WL" 'select(.pid == $p) | .method_s' "$OUT" | awk '{ s += $1 } END { print s + 0 }')
    g=$(jq -r --argjson p "$WL" 'select(.pid == $p) | .gc_s' "$OUT" | awk '{ s += $1 } END { print s + 0 }')
    [ "$m" -eq 8 ] || [ "$m" -eq 7 ]
    [ "$g" -eq 2 ] || [ "$g" -eq 1 ]
    [ "$(jq -r --argjson p "$WL" 'select(.pid == $p) | .cmdline' "$OUT" | sort -u)" = "$PY -w 8 4 " ]
    [ "$(jq -r 'keys_unsorted | join(",")' "$OUT" | sort -u)" = "time,pid,cmdline,method_s,gc_s,objnew_s,cload_s,exc_s,thr_s" ]
    py_run 3 1 ustat -C -l python -S gc -r 1
    cat "$OUT"
    # one row per table
    [ "$(awk '/^PID /{ n = NR } /^[0-9]+ /{ if (NR != n + 1) bad++ } END { print bad + 0 }' "$OUT")" -eq 0 ]
}

@test "bad options" {
    run_bct 2 ustat -l c
    run_bct 2 ustat -S foo
    run_bct 2 ustat -r x
    run_bct 2 ustat 1 2 3
    run_bct 2 pythonstat -x
}
