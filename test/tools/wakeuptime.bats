#!/usr/bin/env bats
# bats file_tags=needs:bpf
# wakeuptime with real wakeups: test/workloads/wakeer's thread wk_target blocks N times in a
# pipe read, each time woken by its thread wk_waker's write after USEC microseconds; then it
# stays ("done", -k). Each test traces only that process (-p), and counts only the
# wk_waker -> wk_target entries, so other files' work cannot change the totals.
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

# start_trace ARGS...: bcctool wakeuptime ARGS in the background, until attached (its header,
# or with -f/--json its BPF links); output in $OUT, stderr in $ERR
start_trace() {
    OUT=$T/trace.out
    ERR=$T/trace.err
    echo "\$ bcctool wakeuptime $*"
    "$BCCTOOL" wakeuptime --stack-storage-size 16384 "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    case " $* " in
    *" -f "* | *" --json "*) wait_for "$TRACER" 3000 has_bpf_links "$TRACER" ;;
    *) wait_for "$TRACER" 3000 test -s "$OUT" ;;
    esac || { cat "$ERR" >&2; fail "wakeuptime did not attach"; }
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
    [ "$rc" -eq 0 ] || fail "wakeuptime exited $rc"
    # stacks lost to hash collisions of the stack map (other work on the machine) are BCC's
    # closing warning; nothing else may be on stderr
    run grep -v 'WARNING: [0-9]* stack traces .*could not be displayed' "$ERR"
    [ -z "$output" ] || fail "wakeuptime wrote to stderr: $(cat "$ERR")"
}

# in_range V: N x USEC <= V <= the wakeups' wall time
in_range() {
    echo "total $1 us; at least $((N * USEC)), at most $WALL_US"
    [ "$1" -ge $((N * USEC)) ] || fail "$1 us blocked, less than $N x $USEC"
    [ "$1" -le "$WALL_US" ] || fail "$1 us blocked, more than the $WALL_US us the run took"
}

@test "-p: waker wk_waker's kernel stack, target wk_target, total time" {
    local total
    wakeer_start
    start_trace -p "$WP"
    run_wakeups
    stop_trace
    assert_equal "$(head -1 "$OUT")" "Tracing blocked time (us) by kernel stack... Hit Ctrl-C to end."
    assert_equal "$(tail -1 "$OUT")" "Detaching..."
    # target line, frames "    ADDR func" root first, waker line, total
    total=$(awk '
        /^    target:          / { tgt = ($2 == "wk_target"); pipe = 0; bad = 0; next }
        /^    [0-9a-f]+ [^ ]+$/ { if ($2 == "anon_pipe_write") pipe = 1; next }
        /^    waker:           / { wkr = ($2 == "wk_waker"); next }
        /^        [0-9]+$/ { if (tgt && wkr && pipe) t += $1; tgt = wkr = 0; next }
        END { print t + 0 }' "$OUT")
    in_range "$total"
    # only wakeer's threads are targets
    run grep -E '^    target: ' "$OUT"
    assert_output --partial "wk_target"
    run grep -vE '^    target: +(wk_target|wk_waker|wakeer)$' <<<"$output"
    assert_output ""
}

@test "-f: folded waker;leaf...root;target total" {
    local total
    wakeer_start
    start_trace -p "$WP" -f --svg "$T/flame.svg"
    run_wakeups
    stop_trace
    run grep -vE '^[^;]+(;[^; ]+)*;[^;]+ [0-9]+$' "$OUT"
    assert_output ""
    total=$(awk '/^wk_waker;.*;anon_pipe_write;.*;entry_SYSCALL_64_after_hwframe;wk_target [0-9]+$/ { t += $NF } END { print t + 0 }' "$OUT")
    in_range "$total"
    # --svg: the same stacks as a flame graph, the same total
    run python3 "$BATS_TEST_DIRNAME/../flamecheck.py" svg "$T/flame.svg" "Wakeup Time Flame Graph" us
    assert_success
    assert_output --regexp "^frames [0-9]+ total $(awk '{ n += $NF } END { print n }' "$OUT")\$"
    grep -q '<title>anon_pipe_write (' "$T/flame.svg" || fail "no frame anon_pipe_write in the SVG"
}

@test "--json: one object per stack, the same total" {
    local total
    wakeer_start
    start_trace -p "$WP" --json
    run_wakeups
    stop_trace
    jq -e . "$OUT" >/dev/null || fail "not JSON lines"
    total=$(jq -s '[.[] | select(.waker == "wk_waker" and .target == "wk_target"
        and (.waker_kernel_stack | index(["anon_pipe_write"]))) | .total_us] | add // 0' "$OUT")
    in_range "$total"
    run jq -r 'keys_unsorted | join(",")' "$OUT"
    assert_line "waker,target,waker_kernel_stack,total_us"
}

@test "-m: blocks shorter than MIN_BLOCK_TIME are left out" {
    wakeer_start
    start_trace -p "$WP" -f -m $((USEC * 50))
    run_wakeups
    stop_trace
    run grep -c ';wk_target ' "$OUT"
    assert_output "0"
}

@test "bad options exit 2" {
    run_bct 2 wakeuptime -p abc
    assert_output --partial "argument -p/--pid: must be an integer"
    run_bct 2 wakeuptime -p 1 -u
    assert_output --partial "use either -p or -u."
    run_bct 2 wakeuptime 0
    assert_output --partial "must be nonzero"
    run_bct 2 wakeuptime -m -5
    run_bct 2 wakeuptime --stack-storage-size 0
    run_bct 2 wakeuptime 1 2
    run_bct 2 wakeuptime -x
}
