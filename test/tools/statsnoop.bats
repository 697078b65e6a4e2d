#!/usr/bin/env bats
# bats file_tags=needs:bpf
# statsnoop with real events: test/workloads/stater makes N stat-family calls on a uniquely
# named marker file (or a missing one); each test counts the lines printed for that path.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
# stats per workload: three workloads' bursts (~1 KiB per event) fit the 512 KiB ring even if
# the tracer gets no CPU while they run (a loaded machine), so none is lost
N=100

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    MK=$T/stsnp-mark-$BATS_TEST_NUMBER-$$
    MISSING=$T/stsnp-missing-$BATS_TEST_NUMBER-$$
    : >"$MK"
    BG=()
    TRACE_SEQ=0
    CG=
}

teardown() {
    bg_kill
    cgroup_del
}

# start_trace ARGS...: "bcctool statsnoop ARGS" in the background (output in $OUT, $ERR);
# returns once the header is out (printed after attach). With --json (no header), stats a
# ready marker until the tracer shows it (from inside $CG when the test made one, as a tracer
# of that cgroup sees no other stat).
start_trace() {
    TRACE_SEQ=$((TRACE_SEQ + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool statsnoop $*"
    "$BCCTOOL" statsnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    if [[ " $* " == *" --json "* ]]; then
        local ready=$T/stsnp-ready-$$
        wait_for "$TRACER" 3000 ready_seen "$ready" || { cat "$ERR"; fail "tracer not ready"; }
    else
        wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR"; fail "no header"; }
    fi
}

ready_seen() {
    if [ -n "$CG" ]; then
        (echo "$BASHPID" >"$CG/cgroup.procs" && stat "$1") >/dev/null 2>&1
    else
        stat "$1" >/dev/null 2>&1
    fi
    grep -q "stsnp-ready-$$" "$OUT"
}

# stop_trace: SIGINT; the tracer must exit 0 with nothing on stderr.
stop_trace() {
    sleep 0.1 # the tracer drains every few ms
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "statsnoop exited $rc"
    [ ! -s "$ERR" ] || fail "statsnoop wrote to stderr"
}

# lines_for PATH: the text lines whose last field is PATH
lines_for() { awk -v p="$1" '$NF == p' "$OUT"; }
count_for() { lines_for "$1" | wc -l; }

@test "N stats of a file and N of a missing one: N lines each, with PID, COMM, FD and ERR" {
    bg_workload W stater -n $N -N stsnp_basic stat "$MK"
    bg_workload X stater -n $N -N stsnp_basic stat "$MISSING"
    in_cgroup "$W" "$X"
    start_trace --cgroup "$CG"
    go_workload "$W" "$X"
    stop_trace
    run head -1 "$OUT"
    assert_output 'PID     COMM               FD ERR PATH'
    assert_equal "$(count_for "$MK")" $N
    assert_equal "$(count_for "$MISSING")" $N
    # BCC's "%-7d %-16s %4d %3d %s"
    assert_equal "$(lines_for "$MK" | sort -u)" "$(printf '%-7d %-16s %4d %3d %s' "$W" stsnp_basic 0 0 "$MK")"
    assert_equal "$(lines_for "$MISSING" | sort -u)" "$(printf '%-7d %-16s %4d %3d %s' "$X" stsnp_basic -1 2 "$MISSING")"
}

@test "each syscall of the family: lstat, statx and statfs, N lines each" {
    local c p
    bg_workload A stater -n $N lstat "$MK.l"
    bg_workload B stater -n $N statx "$MK.x"
    bg_workload C stater -n $N statfs "$T"
    : >"$MK.l"
    : >"$MK.x"
    in_cgroup "$A" "$B" "$C"
    start_trace -p "$A"
    local outa=$OUT erra=$ERR tra=$TRACER
    start_trace --cgroup "$CG"
    go_workload "$A" "$B" "$C"
    stop_trace
    assert_equal "$(count_for "$MK.l")" $N
    assert_equal "$(count_for "$MK.x")" $N
    assert_equal "$(awk -v p="$C" '$1 == p && $NF == "'"$T"'" && $3 == 0' "$OUT" | wc -l)" $N
    OUT=$outa ERR=$erra TRACER=$tra stop_trace
    OUT=$outa
    assert_equal "$(count_for "$MK.l")" $N
    assert_equal "$(count_for "$MK.x")" 0
}

@test "-x shows only the failed calls" {
    bg_workload W stater -n $N stat "$MK"
    bg_workload X stater -n $N statx "$MISSING"
    in_cgroup "$W" "$X"
    start_trace -x --cgroup "$CG"
    go_workload "$W" "$X"
    stop_trace
    assert_equal "$(count_for "$MK")" 0
    assert_equal "$(count_for "$MISSING")" $N
    assert_equal "$(awk 'NR > 1 && !($3 == -1 && $4 > 0)' "$OUT" | wc -l)" 0
}

@test "-p keeps exactly the calls of that process" {
    bg_workload W stater -n $N stat "$MK"
    bg_workload X stater -n $N stat "$MK.other"
    : >"$MK.other"
    start_trace -p "$W"
    go_workload "$W" "$X"
    stop_trace
    assert_equal "$(count_for "$MK")" $N
    assert_equal "$(count_for "$MK.other")" 0
    assert_equal "$(awk 'NR > 1 {print $1}' "$OUT" | sort -u)" "$W"
}

@test "-t: a TIME(s) column, starting at 0, never going back much" {
    bg_workload W stater -n $N stat "$MK"
    start_trace -t -p "$W"
    go_workload "$W"
    stop_trace
    run head -1 "$OUT"
    assert_output 'TIME(s)       PID     COMM               FD ERR PATH'
    assert_equal "$(count_for "$MK")" $N
    run awk 'NR == 2 { print $1 }' "$OUT"
    assert_output 0.000000000
    # "%-14.9f" then the PID
    assert_equal "$(tail -n +2 "$OUT" | grep -cvE '^[0-9]+\.[0-9]{9} +[0-9]+ ')" 0
}

@test "--json lines parse and carry the same values as the text" {
    bg_workload W stater -n $N statx "$MISSING"
    in_cgroup "$W"
    start_trace --json --cgroup "$CG"
    go_workload "$W"
    stop_trace
    run jq -c 'select(.path == "'"$MISSING"'" and .pid == '"$W"') | [.pid, .comm, .fd, .err, .syscall]' "$OUT"
    assert_equal "${#lines[@]}" $N
    assert_equal "$(printf '%s\n' "${lines[@]}" | sort -u)" "[$W,\"stater\",-1,2,\"statx\"]"
    jq -se 'map(select(.path == "'"$MISSING"'")) | all((.ts | type == "number") and .tid == .pid)' \
        "$OUT" >/dev/null
}

@test "--exec traces only its child and exits when it does" {
    local w
    w=$(workload stater)
    BCT_TIMEOUT=20 run_bct statsnoop --exec "$w" -n 7 stat "$MK"
    OUT=$T/exec.out
    printf '%s\n' "$output" >"$OUT"
    assert_equal "$(count_for "$MK")" 7
    assert_equal "$(awk 'NR > 1 {print $2}' "$OUT" | sort -u)" stater
}

@test "no attach method left: one error naming every method tried" {
    BCCTOOL_DISABLE_ATTACH=kprobe,tracepoint BCT_RUN_FLAGS=--separate-stderr run_bct 1 statsnoop
    [[ "$stderr" == "statsnoop: cannot attach 'stat syscalls': kprobe: "*"; tracepoint: disabled by BCCTOOL_DISABLE_ATTACH" ]] ||
        fail "unexpected: $stderr"
}

@test "--ebpf shows -x as a define; usage errors exit 2" {
    run_bct statsnoop --ebpf -x -p 42
    assert_output --partial FILTER_FAILED
    assert_output --partial 'FILTER_PID'
    run_bct 2 statsnoop -Q
    run_bct 2 statsnoop -p notapid
}
