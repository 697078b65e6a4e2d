#!/usr/bin/env bats
# bats file_tags=needs:bpf
# syscount against known workloads: test/workloads/syscaller makes N getpid() calls, and
# test/workloads/errcaller N close(-1) (EBADF), 2N chdir() of a missing directory (ENOENT) and
# 3N getppid() (success). Both wait for SIGUSR1 after the tracer is attached, so the tracer,
# filtered to the workload's PID, sees exactly those calls. Tracers run in the background;
# teardown kills what a failed test left running.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=1234 # getpid calls
E=150  # errcaller's N

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
}

teardown() {
    bg_kill
}

# start_sc ARGS...: "bcctool syscount ARGS" in the background, output in $OUT and $ERR, PID in
# $PID; returns once the banner is out (printed after attaching), or, with --json (no banner),
# once the process holds a BPF link.
start_sc() {
    local i links json=
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/sc.$SEQ.out
    ERR=$T/sc.$SEQ.err
    case " $* " in *" --json "*) json=1 ;; esac
    echo "\$ bcctool syscount $*"
    "$BCCTOOL" syscount "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    BG+=("$PID")
    for ((i = 0; i < 3000; i++)); do
        if [ -n "$json" ]; then
            links=$(ls -l "/proc/$PID/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge 1 ] && return 0
        elif grep -q '^Tracing ' "$OUT" 2>/dev/null; then
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$ERR" >&2; fail "syscount $* exited early"; }
        sleep 0.01
    done
    fail "syscount $* never got ready"
}

# stop_sc: SIGINT; it must print its last interval, "Detaching..." (text) and exit 0 with
# nothing on stderr
stop_sc() {
    local rc=0
    kill -INT "$PID"
    wait "$PID" || rc=$?
    echo "--- syscount (exit $rc):"
    cat "$OUT"
    echo "--- stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "syscount exited $rc"
    [ ! -s "$ERR" ] || fail "syscount wrote to stderr"
}

# col NAME [FIELD]: field FIELD (default 2: COUNT) of the row whose first field is NAME
col() {
    awk -v n="$1" -v f="${2:-2}" '$1 == n { print $f }' "$OUT"
}

# rows: the number of table rows (between a header and the empty line)
rows() {
    awk '/^(SYSCALL|PID    COMM) / { t = 1; next } /^$/ { t = 0 } t { n++ } END { print n + 0 }' "$OUT"
}

@test "syscount -p: exactly N getpid calls, BCC's header, layout and Detaching" {
    bg_workload W syscaller -n "$N" getpid
    start_sc -p "$W"
    go_workload "$W"
    stop_sc
    assert_equal "$(col getpid)" "$N"
    run cat "$OUT"
    assert_line --index 0 "Tracing syscalls, printing top 10... Ctrl+C to quit."
    assert_line --index 1 --regexp '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$'
    assert_line --index 2 "SYSCALL                   COUNT"
    assert_line "$(printf '%-22s %8d' getpid "$N")"
    assert_equal "$(tail -n 1 "$OUT")" "Detaching..."
    assert_equal "$(tail -n 2 "$OUT" | head -n 1)" ""
}

@test "syscount -t: the thread's calls" {
    bg_workload W syscaller -n "$N" getpid
    start_sc -t "$W"
    go_workload "$W"
    stop_sc
    assert_equal "$(col getpid)" "$N"
}

@test "syscount --syscall: only that syscall, all of them" {
    bg_workload W errcaller -n "$E"
    start_sc -p "$W" --syscall chdir
    go_workload "$W"
    stop_sc
    run cat "$OUT"
    assert_line --index 0 "Tracing syscall 'chdir'... Ctrl+C to quit."
    assert_equal "$(col chdir)" $((2 * E))
    assert_equal "$(rows)" 1
}

@test "syscount -x: exactly the failed calls, per syscall" {
    bg_workload W errcaller -n "$E"
    start_sc -x -p "$W"
    go_workload "$W"
    stop_sc
    run cat "$OUT"
    assert_line --index 0 "Tracing failed syscalls, printing top 10... Ctrl+C to quit."
    assert_equal "$(col close)" "$E"
    assert_equal "$(col chdir)" $((2 * E))
    assert_equal "$(rows)" 2
    # chdir first: most calls first
    assert_equal "$(awk '$1 == "chdir" || $1 == "close" { printf "%s ", $1 }' "$OUT")" "chdir close "
}

@test "syscount -e: only the calls that failed with that errno (name or number)" {
    bg_workload W errcaller -n "$E"
    start_sc -e EBADF -p "$W"
    go_workload "$W"
    stop_sc
    assert_equal "$(col close)" "$E"
    assert_equal "$(rows)" 1

    bg_workload W errcaller -n "$E"
    start_sc -e 2 -p "$W"
    go_workload "$W"
    stop_sc
    assert_equal "$(col chdir)" $((2 * E))
    assert_equal "$(rows)" 1
}

@test "syscount -L: a time column; -m in milliseconds" {
    bg_workload W syscaller -n "$N" getpid
    start_sc -L -p "$W"
    go_workload "$W"
    stop_sc
    run cat "$OUT"
    assert_line --index 2 "SYSCALL                   COUNT        TIME (us)"
    assert_line --regexp "^getpid {16}( {8}$N|.{0,7}$N) +[0-9]+\.[0-9]{3}$"
    assert_equal "$(col getpid)" "$N"
    [ "$(col getpid 3 | tr -d .)" -gt 0 ] || fail "no time spent in getpid"
    # the row is "%-22s %8d %16.3f"
    [ "$(grep '^getpid ' "$OUT" | awk '{ print length($0) }')" -eq 48 ] || fail "row width"

    bg_workload W syscaller -n "$N" getpid
    start_sc -L -m -p "$W"
    go_workload "$W"
    stop_sc
    run cat "$OUT"
    assert_line --index 2 "SYSCALL                   COUNT        TIME (ms)"
    assert_line --regexp "^getpid +$N +[0-9]+\.[0-9]{6}$"
}

@test "syscount -P: the process's PID and command, also after it exited" {
    local comm=bctsc$$
    bg_workload W syscaller -N "$comm" -n "$N" getpid
    start_sc -P -T 100000
    go_workload "$W"
    stop_sc
    run cat "$OUT"
    assert_line --index 2 "PID    COMM               COUNT"
    assert_line --regexp "^$(printf '%-6d %-15s' "$W" "$comm") +[0-9]+$"
    n=$(awk -v p="$W" '$1 == p { print $3 }' "$OUT")
    # getpid calls, the wait for SIGUSR1, the workload's exit
    [ "$n" -ge "$N" ] && [ "$n" -le $((N + 5)) ] || fail "count $n, expected $N to $((N + 5))"
}

@test "syscount -c: the children of a process" {
    bg_workload W syscaller -n 40 fork
    start_sc -c "$W"
    go_workload "$W"
    stop_sc
    # each child returns from the fork's clone() (then libc's set-up calls, the same in every
    # child), then exits without a syscall returning; the parent's own calls are not counted
    assert_equal "$(col clone)" 40
    assert_equal "$(awk '$2 ~ /^[0-9]+$/ && $2 != 40' "$OUT")" ""
}

@test "syscount --json: one object per row, agreeing with the text" {
    bg_workload W errcaller -n "$E"
    start_sc --json -x -L -p "$W"
    go_workload "$W"
    stop_sc
    run jq -c . "$OUT"
    assert_success
    assert_equal "$(jq -r 'select(.syscall == "chdir") | .count' "$OUT")" $((2 * E))
    assert_equal "$(jq -r 'select(.syscall == "close") | "\(.nr) \(.count)"' "$OUT")" "3 $E"
    assert_equal "$(jq -s 'length' "$OUT")" 2
    assert_equal "$(jq -r '.total_ns > 0 and (.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}$"))' "$OUT" | sort -u)" true
    [ "$(grep -c Detaching "$OUT")" -eq 0 ] || fail "text in JSON output"
}

@test "syscount -T: the top rows only; -i and -d: intervals, then exit by itself" {
    bg_workload W errcaller -n "$E"
    start_sc -x -T 1 -p "$W"
    go_workload "$W"
    stop_sc
    assert_equal "$(rows)" 1
    assert_equal "$(col chdir)" $((2 * E))

    run_bct syscount -i 1 -d 2 -T 1
    assert_equal "$(grep -c '^\[..:..:..\]$' <<<"$output")" 2
    assert_line --index 0 "Tracing syscalls, printing top 1... Ctrl+C to quit."
    assert_equal "${lines[-1]}" "Detaching..."

    run_bct syscount -d 1 -T 1
    assert_equal "$(grep -c '^\[..:..:..\]$' <<<"$output")" 1
}

@test "syscount -l, --syscall and -e errors" {
    run_bct syscount -l
    assert_line --regexp '^(.{22}   ){3}.{22}$'
    grep -qw getpid <<<"$output" || fail "no getpid in the list"
    run_bct 1 syscount --syscall no_such_call
    assert_output "Error: syscall 'no_such_call' not found. Exiting."
    run_bct 2 syscount -e ENOSUCH
    assert_output --partial "couldn't map ENOSUCH to an errno"
}

@test "syscount: the raw_tp and tracepoint methods count the same" {
    local m
    for m in tp_btf tp_btf,raw_tp; do
        export BCCTOOL_DISABLE_ATTACH=$m
        bg_workload W syscaller -n "$N" getpid
        start_sc -L -p "$W"
        go_workload "$W"
        stop_sc
        assert_equal "$(col getpid)" "$N"
        bg_workload W errcaller -n "$E"
        start_sc -x -p "$W"
        go_workload "$W"
        stop_sc
        assert_equal "$(col close) $(col chdir) $(rows)" "$E $((2 * E)) 2"
    done
}
