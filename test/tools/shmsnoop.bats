#!/usr/bin/env bats
# bats file_tags=needs:bpf
# shmsnoop with real events: test/workloads/shmer makes N rounds of shmget/shmat/shmdt/shmctl
# on its own IPC key, then one shmget that fails; each test checks the lines of that process.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=50

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    TRACE_SEQ=0
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool shmsnoop ARGS" in the background (output in $OUT, $ERR);
# returns once the header is out, or, with --json (no header), after a shmer round shows.
start_trace() {
    TRACE_SEQ=$((TRACE_SEQ + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool shmsnoop $*"
    "$BCCTOOL" shmsnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    if [[ " $* " == *" --json "* ]]; then
        wait_for "$TRACER" 300 json_ready || { cat "$ERR"; fail "tracer not ready"; }
    else
        wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR"; fail "no header"; }
    fi
}

json_ready() {
    "$(workload shmer)" -n 1 -N shm_ready >/dev/null && grep -q shm_ready "$OUT"
}

stop_trace() {
    sleep 0.1 # the tracer drains every few ms
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "shmsnoop exited $rc"
    [ ! -s "$ERR" ] || fail "shmsnoop wrote to stderr"
}

# of PID SYS: the text lines of PID with that SYS
of() { awk -v p="$1" -v s="$2" '$1 == p && $3 == s' "$OUT"; }

@test "N rounds: N lines per call with BCC's RET and ARGs, and the failed shmget" {
    bg_workload W shmer -n $N -N shm_basic -k 0x5e0b0001
    start_trace
    local out
    out=$(ls "$T"/shmer.*) # its stdout (bg_workload)
    go_workload "$W"
    stop_trace
    run head -1 "$OUT"
    assert_output 'PID    COMM                SYS              RET ARGs'
    assert_equal "$(of "$W" SHMGET | wc -l)" $((N + 1))
    assert_equal "$(of "$W" SHMAT | wc -l)" $N
    assert_equal "$(of "$W" SHMDT | wc -l)" $N
    assert_equal "$(of "$W" SHMCTL | wc -l)" $N
    # the rounds' IDs and addresses, as shmer printed them (after "ready")
    local i=0 id addr line
    while read -r id addr; do
        [ "$id" = ready ] && continue
        i=$((i + 1))
        line=$(printf '%-6d %-16s %6s %16x key: 0x5e0b0001, size: 4096, shmflg: 0x380 (IPC_CREAT|0600)' "$W" shm_basic SHMGET "$id")
        assert_equal "$(of "$W" SHMGET | sed -n "${i}p")" "$line"
        line=$(printf '%-6d %-16s %6s %16s shmid: 0x%x, shmaddr: 0x0, shmflg: 0x0' "$W" shm_basic SHMAT "$addr" "$id")
        assert_equal "$(of "$W" SHMAT | sed -n "${i}p")" "$line"
        line=$(printf '%-6d %-16s %6s %16s shmaddr: 0x%s' "$W" shm_basic SHMDT 0 "$addr")
        assert_equal "$(of "$W" SHMDT | sed -n "${i}p")" "$line"
        line=$(printf '%-6d %-16s %6s %16s shmid: 0x%x, cmd: 0, buf: 0x0' "$W" shm_basic SHMCTL 0 "$id")
        assert_equal "$(of "$W" SHMCTL | sed -n "${i}p")" "$line"
    done <"$out"
    assert_equal "$i" $N
    # ENOENT as the unsigned return value, in hex
    assert_equal "$(of "$W" SHMGET | tail -1)" "$(printf '%-6d %-16s %6s %16s key: 0x5e0b0001, size: 4096, shmflg: 0x0' "$W" shm_basic SHMGET fffffffffffffffe)"
}

@test "-x shows only the failed call" {
    bg_workload W shmer -n $N
    start_trace -x -p "$W"
    go_workload "$W"
    stop_trace
    assert_equal "$(awk 'NR > 1' "$OUT" | wc -l)" 1
    assert_equal "$(of "$W" SHMGET | awk '{print $4}')" fffffffffffffffe
}

@test "-p, -t and -n keep exactly the calls of that process, thread or name" {
    bg_workload W shmer -n $N -N shm_one
    bg_workload X shmer -n $N -N shm_two
    start_trace -p "$W"
    local o1=$OUT e1=$ERR t1=$TRACER
    start_trace -t "$X"
    local o2=$OUT e2=$ERR t2=$TRACER
    start_trace -n m_tw
    go_workload "$W" "$X"
    stop_trace
    assert_equal "$(awk 'NR > 1 && $2 != "shm_two"' "$OUT" | wc -l)" 0
    assert_equal "$(awk 'NR > 1' "$OUT" | wc -l)" $((4 * N + 1))
    OUT=$o1 ERR=$e1 TRACER=$t1 stop_trace
    assert_equal "$(awk 'NR > 1 && $1 != "'"$W"'"' "$o1" | wc -l)" 0
    assert_equal "$(awk 'NR > 1' "$o1" | wc -l)" $((4 * N + 1))
    OUT=$o2 ERR=$e2 TRACER=$t2 stop_trace
    run head -1 "$o2"
    assert_output 'TID    COMM                SYS              RET ARGs'
    assert_equal "$(awk 'NR > 1 && $1 != "'"$X"'"' "$o2" | wc -l)" 0
    assert_equal "$(awk 'NR > 1' "$o2" | wc -l)" $((4 * N + 1))
}

@test "-T: a TIME(s) column in microseconds, starting at 0" {
    bg_workload W shmer -n $N
    start_trace -T -p "$W"
    go_workload "$W"
    stop_trace
    run head -1 "$OUT"
    assert_output 'TIME(s)       PID    COMM                SYS              RET ARGs'
    assert_equal "$(awk 'NR == 2 {print $1}' "$OUT")" 0.000000000
    assert_equal "$(tail -n +2 "$OUT" | grep -cvE '^[0-9]+\.[0-9]{6}000 +'"$W"' ')" 0
    assert_equal "$(awk 'NR > 1' "$OUT" | wc -l)" $((4 * N + 1))
}

@test "--json: one object per call, arguments under their keys" {
    bg_workload W shmer -n $N -k 0x5e0b0002
    start_trace --json
    go_workload "$W"
    stop_trace
    local sel='select(.pid == '"$W"')'
    assert_equal "$(jq -c "$sel | .sys" "$OUT" | sort | uniq -c | awk '{print $2 $1}' | tr '\n' ' ')" \
        "\"shmat\"$N \"shmctl\"$N \"shmdt\"$N \"shmget\"$((N + 1)) "
    assert_equal "$(jq -c "$sel | select(.sys == \"shmget\") | [.key, .size, .shmflg]" "$OUT" | sort -u | tr '\n' ' ')" \
        "[1577779202,4096,0] [1577779202,4096,896] "
    assert_equal "$(jq -c "$sel | select(.sys == \"shmget\" and .ret < 0) | .ret" "$OUT")" -2
    assert_equal "$(jq -c "$sel | select(.sys == \"shmdt\") | keys" "$OUT" | sort -u)" \
        '["comm","pid","ret","shmaddr","sys","tid","ts"]'
    # shmat's return is shmdt's argument
    assert_equal "$(jq -c "$sel | select(.sys == \"shmat\") | .ret" "$OUT")" \
        "$(jq -c "$sel | select(.sys == \"shmdt\") | .shmaddr" "$OUT")"
}

@test "-d 1 ends on time" {
    local t0=$SECONDS
    run_bct shmsnoop -d 1
    ((SECONDS - t0 < 5)) || fail "did not end"
    assert_line --index 0 'PID    COMM                SYS              RET ARGs'
}

@test "no attach method left: one error naming every method tried" {
    BCCTOOL_DISABLE_ATTACH=kprobe,tracepoint BCT_RUN_FLAGS=--separate-stderr run_bct 1 shmsnoop
    [[ "$stderr" == "shmsnoop: cannot attach 'shm syscalls': kprobe: "*"; tracepoint: disabled by BCCTOOL_DISABLE_ATTACH" ]] ||
        fail "unexpected: $stderr"
}

@test "usage errors exit 2" {
    run_bct 2 shmsnoop -Q
    run_bct 2 shmsnoop -p x
    run_bct 2 shmsnoop extra
}
