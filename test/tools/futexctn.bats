#!/usr/bin/env bats
# bats file_tags=needs:bpf
# futexctn against a known workload: test/workloads/futexer has a waiter thread sleep in
# futex(FUTEX_WAIT_PRIVATE) on one futex word until it has been woken exactly N times (waits
# that return 0; the main thread wakes it N times, FUTEX_WAKE retried until it wakes one), so
# the histogram of that word and thread counts exactly N waits. Other processes' futexes may
# show too: each test looks only at its own word's address (ASLR makes it unique).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=15
D=2000 # usecs before each wake

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=fx$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
}

teardown() {
    bg_kill
}

# start_fx NAME ARGS...: "bcctool futexctn ARGS" in the background, output in $T/NAME.out and
# .err, its PID in FX_NAME; returns once its 2 BPF links are there (it prints nothing before
# the end).
start_fx() {
    local name=$1 pid i links
    shift
    echo "\$ bcctool futexctn $*"
    "$BCCTOOL" futexctn "$@" >"$T/$name.out" 2>"$T/$name.err" &
    pid=$!
    BG+=("$pid")
    printf -v "FX_$name" %s "$pid"
    for ((i = 0; i < 3000; i++)); do
        links=$(ls -l "/proc/$pid/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
        [ "$links" -ge 2 ] && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$T/$name.err" >&2; fail "futexctn $* exited early"; }
        sleep 0.01
    done
    fail "futexctn $* never got ready"
}

# stop_fx NAME: SIGINT; it prints its histograms and must exit 0 with nothing on stderr.
stop_fx() {
    local pid rc=0
    pid=FX_$1
    kill -INT "${!pid}"
    wait "${!pid}" || rc=$?
    echo "--- futexctn $1 (exit $rc):"
    cat "$T/$1.out"
    echo "--- stderr: $(cat "$T/$1.err")"
    [ "$rc" -eq 0 ] || fail "futexctn exited $rc"
    # libbpf-tools' "[Missed User Stack]" may come for other processes' waits
    run grep -v '^    \[Missed User Stack\]$' "$T/$1.err"
    [ -z "$output" ] || fail "futexctn wrote to stderr"
}

# prep_futexer ARGS...: futexer -w in the background: $WL (its PID), $LOCK (its word's address)
prep_futexer() {
    WL_OUT=$T/futexer.out
    "$(workload futexer)" -w -n "$N" -d "$D" -N "$MARK" "$@" >"$WL_OUT" &
    WL=$!
    BG+=("$WL")
    wait_for "$WL" 1000 grep -qx ready "$WL_OUT" || fail "futexer never got ready"
    LOCK=$(sed -n 's/^lock //p' "$WL_OUT")
    [[ "$LOCK" == 0x* ]] || fail "no lock address from futexer"
}

# run_futexer: lets it run; $WTID is then its waiter thread
run_futexer() {
    go_workload "$WL"
    WTID=$(sed -n 's/^waiter //p' "$WL_OUT")
}

# section FILE LINE: the histogram under the header line LINE (its stack left out), up to the
# next blank line
section() {
    awk -v h="$2" '$0 == h { on = 1; next } on && /^$/ { exit } on && / : count / { p = 1 } on && p' "$1"
}

# hist_sum: the sum of the counts of histogram rows on stdin
hist_sum() {
    awk -F: '/ -> / { split($2, a, " "); s += a[1] } END { print s + 0 }'
}

@test "N contended waits: one histogram for the word and waiter thread, counting N" {
    prep_futexer -k
    start_fx a
    # futexer -k stays alive until the histograms are printed, so its stack has names
    kill -USR1 "$WL"
    wait_for "$WL" 1000 grep -q '^waiter ' "$WL_OUT" || fail "futexer did not finish"
    WTID=$(sed -n 's/^waiter //p' "$WL_OUT")
    stop_fx a
    kill -USR1 "$WL"
    wait "$WL" || fail "futexer failed"
    local out=$T/a.out head
    run grep -c " lock $LOCK " "$out"
    assert_output 1
    head=$(grep " lock $LOCK " "$out")
    [[ "$head" =~ ^$MARK\[$WTID\]\ lock\ $LOCK\ contended\ $N\ times,\ ([0-9]+)\ avg\ usecs\ \[max:\ ([0-9]+)\ usecs,\ min\ ([0-9]+)\ usecs\]$ ]] ||
        fail "header: '$head'"
    local avg=${BASH_REMATCH[1]} max=${BASH_REMATCH[2]} min=${BASH_REMATCH[3]}
    [ "$min" -le "$avg" ] && [ "$avg" -le "$max" ] || fail "min $min avg $avg max $max"
    # libbpf-tools' layout: two empty lines before each header, then the user stack between
    # "-" lines (the wait's innermost frame is libc's syscall()), then the histogram
    assert_equal "$(grep -B2 " lock $LOCK " "$out" | head -2 | tr -d '\n')" ""
    local stack
    stack=$(awk -v h="$head" '$0 == h { on = 1; next } on && / : count / { exit } on' "$out")
    assert_equal "$(sed -n 1p <<<"$stack")" "    -"
    assert_equal "$(sed -n 2p <<<"$stack")" "    syscall"
    assert_equal "$(sed -n '$p' <<<"$stack")" "    -"
    assert_equal "$(section "$out" "$head" | head -1)" \
        "     usecs               : count    distribution"
    assert_equal "$(section "$out" "$head" | sed -n 2p | cut -c 1-26)" "         0 -> 1          :"
    assert_equal "$(section "$out" "$head" | hist_sum)" "$N"
    # the largest wait is in the last row shown, the smallest in the first non-zero one
    [ "$(section "$out" "$head" | awk -F'->' '/ -> / { split($2, a, " "); h = a[1] } END { print h }')" -ge "$max" ]
}

@test "-s: per process; -p keeps the process; -p of another process drops it" {
    prep_futexer
    start_fx s -s
    start_fx p -p "$WL"
    start_fx o -p 1
    run_futexer
    stop_fx s
    stop_fx p
    stop_fx o
    run grep -c "^$MARK\[$WL\] lock $LOCK contended $N times, " "$T/s.out"
    assert_output 1
    # -s: no stack, the histogram right after the header
    assert_equal "$(grep -A1 "^$MARK\[$WL\] lock $LOCK " "$T/s.out" | tail -1)" \
        "     usecs               : count    distribution"
    run grep -c "^$MARK\[$WTID\] lock $LOCK contended $N times, " "$T/p.out"
    assert_output 1
    run grep -c " lock $LOCK " "$T/o.out"
    assert_output 0
}

@test "-t TID and -l LOCK keep exactly the matching waits" {
    prep_futexer
    start_fx l -l "$LOCK"
    start_fx l2 -l "${LOCK#0x}0"
    start_fx t -t "$WL"
    run_futexer
    stop_fx l
    stop_fx l2
    stop_fx t
    # -l: only that word, whoever waits on it
    run grep -c "^$MARK\[$WTID\] lock $LOCK contended $N times, " "$T/l.out"
    assert_output 1
    run grep -c ' lock ' "$T/l.out"
    assert_output 1
    run grep -c ' lock ' "$T/l2.out"
    assert_output 0
    # -t of the main thread: it never waits on the word
    run grep -c " lock $LOCK " "$T/t.out"
    assert_output 0
}

@test "-m: milliseconds; -T: the time line" {
    prep_futexer
    start_fx m -mT
    run_futexer
    stop_fx m
    local head
    head=$(grep "^$MARK\[$WTID\] lock $LOCK " "$T/m.out")
    [[ "$head" =~ contended\ $N\ times,\ [0-9]+\ avg\ msecs\ \[max:\ [0-9]+\ msecs,\ min\ [0-9]+\ msecs\]$ ]] ||
        fail "header: '$head'"
    assert_equal "$(section "$T/m.out" "$head" | head -1)" \
        "     msecs               : count    distribution"
    assert_equal "$(section "$T/m.out" "$head" | hist_sum)" "$N"
    # an empty line, then HH:MM:SS
    assert_equal "$(sed -n 1p "$T/m.out")" ""
    [[ "$(sed -n 2p "$T/m.out")" =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}$ ]]
}

@test "--json: one object per histogram, agreeing with the text" {
    prep_futexer
    start_fx j --json
    start_fx x
    run_futexer
    stop_fx j
    stop_fx x
    jq -e . "$T/j.out" >/dev/null
    run jq -c --arg l "$LOCK" 'select(.lock == $l)' "$T/j.out"
    assert_equal "${#lines[@]}" 1
    run jq -r --arg l "$LOCK" 'select(.lock == $l) |
        [.comm, .tid, .contended, ([.data[].count] | add), .val_type,
         (.min <= .avg and .avg <= .max), (.total / .contended | floor) == .avg,
         (.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"))] | @tsv' "$T/j.out"
    assert_output "$(printf '%s\t%s\t%s\t%s\tusecs\ttrue\ttrue\ttrue' "$MARK" "$WTID" "$N" "$N")"
    # the text tracer, watching the same waits, counted as many (each tracer times a wait
    # from its own entry and exit, so a wait near a slot's edge may land in the next slot)
    local head
    head=$(grep " lock $LOCK " "$T/x.out")
    assert_equal "$(section "$T/x.out" "$head" | awk -F: '/ -> / { split($2, a, " "); s += a[1] } END { print s }')" "$N"
}

@test "interval and count: prints count intervals and exits by itself" {
    # a sleep makes no futex waits: each interval is libbpf-tools' empty line alone
    sleep 30 &
    BG+=("$!")
    timeout -s INT 30 "$BCCTOOL" futexctn -p "$!" 1 2 >"$T/i.out" 2>"$T/i.err"
    assert_equal "$(od -An -c "$T/i.out" | tr -d ' ')" '\n\n'
    [ ! -s "$T/i.err" ]
}

@test "usage errors exit 2" {
    run_bct 2 futexctn -l xyz
    run_bct 2 futexctn -z
    run_bct 2 futexctn 1 2 3
}
