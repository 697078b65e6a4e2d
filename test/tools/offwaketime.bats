#!/usr/bin/env bats
# bats file_tags=needs:bpf
# offwaketime with real wakeups: test/workloads/wakeer's thread wk_target blocks N times in a
# pipe read (wakee_wait), each time woken by its thread wk_waker's write (waker_wake) after
# USEC microseconds; then it stays ("done", -k) so its symbols can be read. Each test traces
# only that process (-p/-t), and counts only the wk_waker -> wk_target entries.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=20
USEC=10000

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
}

teardown() {
    bg_kill
}

# wakeer_start: a waiting wakeer, its PID in WP, its stdout in WOUT
wakeer_start() {
    local w
    w=$(workload wakeer)
    WOUT=$(mktemp "$T/wakeer.XXXXXX")
    "$w" -w -k "$N" "$USEC" >"$WOUT" &
    WP=$!
    BG+=("$WP")
    wait_for "$WP" 1000 grep -qx ready "$WOUT" || fail "wakeer never got ready"
}

# start_trace ARGS...: bcctool offwaketime ARGS in the background, until attached (its header,
# or with -f/--json its BPF links); output in $OUT, stderr in $ERR
start_trace() {
    OUT=$T/trace.out
    ERR=$T/trace.err
    echo "\$ bcctool offwaketime $*"
    "$BCCTOOL" offwaketime --stack-storage-size 16384 "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    case " $* " in
    *" -f "* | *" --json "*) wait_for "$TRACER" 3000 has_bpf_links "$TRACER" ;;
    *) wait_for "$TRACER" 3000 test -s "$OUT" ;;
    esac || { cat "$ERR" >&2; fail "offwaketime did not attach"; }
}

# run_wakeups: lets wakeer run its N wakeups, waits until done; its wall time in WALL_US
run_wakeups() {
    local t0 t1
    t0=$(date +%s%N)
    kill -USR1 "$WP"
    wait_for "$WP" 3000 grep -qx done "$WOUT" || fail "wakeer did not finish"
    t1=$(date +%s%N)
    WALL_US=$(((t1 - t0) / 1000))
}

stop_trace() {
    local rc=0
    kill -INT "$TRACER"
    wait "$TRACER" || rc=$?
    cat "$OUT"
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "offwaketime exited $rc"
    # stacks lost to hash collisions of the stack map (other work on the machine) are BCC's
    # closing warning; nothing else may be on stderr
    run grep -v 'WARNING: [0-9]* stack traces .*could not be displayed' "$ERR"
    [ -z "$output" ] || fail "offwaketime wrote to stderr: $(cat "$ERR")"
}

# in_range V: N x USEC <= V <= the wakeups' wall time
in_range() {
    echo "total $1 us; at least $((N * USEC)), at most $WALL_US"
    [ "$1" -ge $((N * USEC)) ] || fail "$1 us blocked, less than $N x $USEC"
    [ "$1" -le "$WALL_US" ] || fail "$1 us blocked, more than the $WALL_US us the run took"
}

@test "-p -U: target user stack with wakee_wait, waker wk_waker with waker_wake" {
    local total
    wakeer_start
    start_trace -p "$WP" -U
    run_wakeups
    stop_trace
    assert_equal "$(head -1 "$OUT")" "Tracing blocked time (us) by user off-CPU and waker stack... Hit Ctrl-C to end."
    # waker line, waker frames root first, "--", target frames leaf first, target line, total
    total=$(awk '
        /^    waker:           / { wkr = ($2 == "wk_waker"); side = "w"; ww = tw = sep = 0; next }
        /^    --               --$/ { side = "t"; sep = 1; next }
        /^    target:          / { tgt = ($2 == "wk_target"); next }
        /^        [0-9]+$/ { if (wkr && tgt && ww && tw && sep) t += $1; wkr = tgt = 0; next }
        /^    [^ ]+$/ { if (side == "w" && $1 == "waker_wake") ww = 1
                        if (side == "t" && $1 == "wakee_wait") tw = 1; next }
        END { print t + 0 }' "$OUT")
    in_range "$total"
    # the thread IDs: the waker's and the target's, as wakeer printed them
    run grep -cx "    target:          wk_target $(awk '$1 == "target" { print $2 }' "$WOUT")" "$OUT"
    [ "$output" -ge 1 ] || fail "no target line with wk_target's TID"
    run grep -cx "    waker:           wk_waker $(awk '$1 == "waker" { print $2 }' "$WOUT")" "$OUT"
    [ "$output" -ge 1 ] || fail "no waker line with wk_waker's TID"
}

@test "-f -U: folded target;root..;--;waker leaf..;waker, exact frames" {
    local line
    wakeer_start
    start_trace -p "$WP" -f -U --svg "$T/flame.svg"
    run_wakeups
    stop_trace
    run grep -vE '^[^;]+(;[^;]*)*;--(;[^;]*)*;[^;]* [0-9]+$' "$OUT"
    assert_output ""
    total=$(awk '$1 ~ /^wk_target;(.*;)?target_thread;wakee_wait;--;waker_wake;waker_thread(;.*)?;wk_waker$/ { t += $2 } END { print t + 0 }' "$OUT")
    in_range "$total"
    # --svg: the same stacks as a flame graph, the same total
    run python3 "$BATS_TEST_DIRNAME/../flamecheck.py" svg "$T/flame.svg" "Off-Wake Time Flame Graph" us
    assert_success
    assert_output --regexp "^frames [0-9]+ total $(awk '{ n += $NF } END { print n }' "$OUT")\$"
    grep -q '<title>wakee_wait (' "$T/flame.svg" || fail "no frame wakee_wait in the SVG"
}

@test "-K -t: kernel stacks: target in anon_pipe_read, waker in anon_pipe_write" {
    local tid total
    wakeer_start
    tid=$(ls "/proc/$WP/task" | sort -n | head -1)
    start_trace -t "$WP" -K
    run_wakeups
    stop_trace
    assert_equal "$(head -1 "$OUT")" "Tracing blocked time (us) by kernel off-CPU and waker stack... Hit Ctrl-C to end."
    # -t with the main thread's id: only the main thread is a target
    run grep -E '^    target: ' "$OUT"
    refute_output --partial "wk_target"
    wakeer_start
    start_trace -p "$WP" -K -f
    run_wakeups
    stop_trace
    total=$(awk '$1 ~ /^wk_target;.*;anon_pipe_read;schedule;--;.*;anon_pipe_write;.*;wk_waker$/ { t += $2 } END { print t + 0 }' "$OUT")
    in_range "$total"
}

@test "--json: keys, stacks and the same total" {
    local total
    wakeer_start
    start_trace -p "$WP" --json
    run_wakeups
    stop_trace
    jq -e . "$OUT" >/dev/null || fail "not JSON lines"
    total=$(jq -s '[.[] | select(.waker == "wk_waker" and .target == "wk_target"
        and (.target_user_stack | index(["wakee_wait"]))
        and (.waker_user_stack | index(["waker_wake"]))
        and (.target_kernel_stack | index(["anon_pipe_read"]))) | .total_us] | add // 0' "$OUT")
    in_range "$total"
    run jq -r 'keys_unsorted | join(",")' "$OUT"
    assert_line "target,pid,tid,target_kernel_stack,target_user_stack,waker,waker_pid,waker_tid,waker_kernel_stack,waker_user_stack,total_us"
    run jq -r "select(.target == \"wk_target\") | .pid" "$OUT"
    assert_line "$WP"
}

@test "-M: blocks longer than MAX_BLOCK_TIME are left out" {
    wakeer_start
    start_trace -p "$WP" -f -M $((USEC / 2))
    run_wakeups
    stop_trace
    # the pipe reads (blocked USEC each) are all left out
    run grep -c '^wk_target;.*;anon_pipe_read;.*;wk_waker ' "$OUT"
    assert_output "0"
    run grep -c '^wk_target;' "$OUT"
    echo "other wk_target lines: $output"
}

@test "bad options exit 2" {
    run_bct 2 offwaketime -p abc
    assert_output --partial "argument -p/--pid: must be an integer"
    run_bct 2 offwaketime -p 1 -t 2
    assert_output --partial "not allowed with argument"
    run_bct 2 offwaketime -u -k
    run_bct 2 offwaketime -U -K
    run_bct 2 offwaketime 0
    assert_output --partial "must be nonzero"
    run_bct 2 offwaketime -m 0
    run_bct 2 offwaketime --state x
    run_bct 2 offwaketime 1 2
    run_bct 2 offwaketime -x
}
