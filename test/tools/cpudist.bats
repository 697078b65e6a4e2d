#!/usr/bin/env bats
# bats file_tags=needs:bpf
# cpudist against a known workload: syscaller sleeps N times (nanosleep of USEC), pinned to one
# CPU (cpudist, like BCC's, times a span per thread and CPU), so it is switched out N times
# after running (N on-CPU spans at least) and switched in N times after sleeping at least USEC
# (N off-CPU spans of USEC or more). Preemptions add a few more spans, so the tests assert
# N <= count <= 3N for the workload, never an exact total.
# Tracers run in the background ("$BCCTOOL" directly); teardown kills what a test left running.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=200     # sleeps per workload
USEC=1000 # each this long

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    CPU=$(($(nproc) - 1))
}

teardown() {
    bg_kill
}

# sleeper [N]: a syscaller named cdsleep that will sleep N times (default $N), pinned to $CPU,
# waiting for go_workload; its PID in $W
sleeper() {
    bg_workload W syscaller -n "${1:-$N}" -N cdsleep sleep "$USEC"
    taskset -pc "$CPU" "$W" >/dev/null || fail "cannot pin $W to CPU $CPU"
}

# start_cd ARGS...: "bcctool cpudist ARGS" in the background; output in $OUT, $ERR, PID in $PID.
# Returns once tracing is attached: the "Tracing..." line, or for JSON (no such line) once the
# process holds its BPF link.
start_cd() {
    local i links
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/cd.$SEQ.out
    ERR=$T/cd.$SEQ.err
    echo "\$ bcctool cpudist $*"
    "$BCCTOOL" cpudist "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    BG+=("$PID")
    for ((i = 0; i < 3000; i++)); do
        if [[ " $* " == *" --json "* ]]; then
            links=$(ls -l "/proc/$PID/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge 1 ] && return 0
        elif grep -q '^Tracing o[nf]f*-CPU time' "$OUT" 2>/dev/null; then
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$ERR" >&2; fail "cpudist $* exited early"; }
        sleep 0.01
    done
    fail "cpudist $* never got ready"
}

# stop_cd [PID OUT ERR]: SIGINT; it must print its last histograms and exit 0, with nothing on
# stderr but the missed report
stop_cd() {
    local pid=${1:-$PID} out=${2:-$OUT} err=${3:-$ERR} rc=0
    kill -INT "$pid" 2>/dev/null || true
    wait "$pid" || rc=$?
    echo "--- cpudist (exit $rc):"
    cat "$out"
    echo "--- stderr: $(cat "$err")"
    [ "$rc" -eq 0 ] || fail "cpudist exited $rc"
    run grep -v 'CPU times missed' "$err"
    [ -z "$output" ] || fail "cpudist wrote to stderr: $output"
}

# hist_sum FILE [REGEX] [MIN]: the sum of the count column of the histogram rows (whose range
# starts at MIN or above, when given), of the sections whose "pid = "/"tid = " line matches
# REGEX when given
hist_sum() {
    awk -v re="${2-}" -v min="${3:-0}" '
        /^(pid|tid) = / { insec = (re == "" || $0 ~ re); next }
        / -> .* : / { if ((re == "" || insec) && $1 >= min) { split($0, a, ":"); split(a[2], b, " "); s += b[1] } }
        END { print s + 0 }' "$1"
}

# assert_plausible COUNT: the workload's N sleeps, and not wildly more
assert_plausible() {
    # a sleep that ends before its task is switched out has no wake-up to time: at least 9 in
    # 10 of them (a loaded machine gave 197 of 200)
    [ "$1" -ge $((N * 9 / 10)) ] || fail "count $1 < 9/10 of $N sleeps of the workload"
    [ "$1" -le $((3 * N)) ] || fail "count $1 > 3 * $N: spans counted twice?"
}

@test "-p PID: an on-CPU span per sleep of the workload, in BCC's layout" {
    sleeper
    start_cd -p "$W"
    go_workload "$W"
    stop_cd
    assert_equal "$(head -1 "$OUT")" "Tracing on-CPU time... Hit Ctrl-C to end."
    assert_equal "$(sed -n 2p "$OUT")" ""
    assert_equal "$(sed -n 3p "$OUT")" "     usecs               : count     distribution"
    assert_equal "$(sed -n 4p "$OUT" | cut -c1-27)" "         0 -> 1          : "
    run grep -c -E '^ +[0-9]+ -> [0-9]+ +: [0-9]+ +\|[* ]{40}\|$' "$OUT"
    assert_equal "$output" "$(grep -c -- ' -> ' "$OUT")"
    assert_plausible "$(hist_sum "$OUT")"
}

@test "-O: off-CPU spans, each sleep at least USEC long" {
    sleeper
    start_cd -O -p "$W"
    go_workload "$W"
    stop_cd
    assert_equal "$(head -1 "$OUT")" "Tracing off-CPU time... Hit Ctrl-C to end."
    assert_plausible "$(hist_sum "$OUT")"
    # $USEC = 1000: every sleep lands in the 512 -> 1023 row or above
    local long
    long=$(hist_sum "$OUT" "" 512)
    # 9 in 10, as assert_plausible: a sleep that ends before its task is switched out has no span
    [ "$long" -ge $((N * 9 / 10)) ] || fail "only $long off-CPU spans of 512 usecs or more"
}

@test "-p filters: another process's spans are not counted" {
    local other
    sleeper
    other=$W
    sleeper 20
    start_cd -p "$W"
    go_workload "$other"
    stop_cd
    run cat -A "$OUT"
    assert_output "Tracing on-CPU time... Hit Ctrl-C to end.\$
\$"
}

@test "-P: a pid = PID COMM section, with BCC's blank line after it, while the task lives" {
    sleeper 5000 # sleeps for 5 s at least: alive when the interval is printed
    kill -USR1 "$W"
    run_bct cpudist -P -p "$W" 1 1
    run cat -A <<<"$output"
    assert_line --index 0 'Tracing on-CPU time... Hit Ctrl-C to end.$'
    assert_line --index 1 '$'
    assert_line --index 2 '$'
    assert_line --index 3 "pid = $W cdsleep\$"
    assert_line --index 4 '$'
    assert_line --index 5 '     usecs               : count     distribution$'
    # and in JSON: the PID as a number, the command in "comm"
    run_bct cpudist --json -P -p "$W" 1 1
    run jq -r '[.pid, (.pid | type), .comm] | @tsv' <<<"$output"
    assert_output "$W	number	cdsleep"
}

@test "-P after the task is gone: pid = PID alone, as BCC prints it" {
    sleeper
    start_cd -P -p "$W"
    go_workload "$W"
    stop_cd
    run grep -E '^(pid|tid) = ' "$OUT"
    assert_output "pid = $W"
    assert_plausible "$(hist_sum "$OUT" "^pid = $W\$")"
}

@test "-L: a tid = TID section for the workload's thread" {
    sleeper
    start_cd -L -p "$W"
    go_workload "$W"
    stop_cd
    run grep -E '^(pid|tid) = ' "$OUT"
    assert_output "tid = $W"
    assert_plausible "$(hist_sum "$OUT" "^tid = $W\$")"
}

# idle_ticks: the CPUs' idle time so far, in clock ticks (/proc/stat)
idle_ticks() {
    awk '$1 == "cpu" { print $5; exit }' /proc/stat
}

@test "-I: the idle tasks count as pid 0; without -I they do not" {
    local i0
    i0=$(idle_ticks)
    run_bct cpudist -I -P 1 1
    # on a saturated machine the idle tasks never run, so there is nothing to count
    [ "$(idle_ticks)" -gt $((i0 + 1)) ] || skip "the CPUs were not idle during the interval"
    assert_line "pid = 0"
    run_bct cpudist -P 1 1
    refute_line "pid = 0"
}

@test "-m: a millisecond histogram" {
    sleeper
    start_cd -m -O -p "$W"
    go_workload "$W"
    stop_cd
    run cat "$OUT"
    assert_line "     msecs               : count     distribution"
    refute_line --partial usecs
    assert_plausible "$(hist_sum "$OUT")"
}

@test "-e: avg, total and count consistent with the buckets" {
    sleeper
    start_cd -e -O -p "$W"
    go_workload "$W"
    stop_cd
    local avg total count
    read -r avg total count < <(sed -n \
        's/^avg = \([0-9]*\) usecs, total: \([0-9]*\) usecs, count: \([0-9]*\)$/\1 \2 \3/p' "$OUT")
    [ -n "$count" ] || fail "no avg line"
    assert_equal "$count" "$(hist_sum "$OUT")"
    assert_equal "$avg" "$((total / count))"
    # each sleep was at least USEC long
    [ "$total" -ge $((N * USEC)) ] || fail "total $total < $N sleeps of $USEC usecs"
    # BCC's layout: a blank line, the avg line, a blank line
    run awk '/^avg = / { getline next_line; print "[" prev "][" next_line "]" } { prev = $0 }' "$OUT"
    assert_output "[][]"
}

@test "--json: counts equal to the text's for the same events" {
    local text text_err text_pid
    sleeper
    start_cd -O -p "$W"
    text=$OUT text_err=$ERR text_pid=$PID
    start_cd --json -e -O -p "$W"
    go_workload "$W"
    stop_cd "$text_pid" "$text" "$text_err"
    stop_cd
    run jq -e -c 'type == "object"' "$OUT"
    assert_success
    assert_equal "$(wc -l <"$OUT")" 1
    run jq -r '.val_type, has("pid"), (.count == ([.data[].count] | add)),
        (.avg == ((.total / .count) | floor)),
        (.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"))' "$OUT"
    assert_output "usecs
false
true
true
true"
    grep -q 'missed' "$ERR" "$text_err" && skip "events were missed: the counts cannot be compared"
    # both tracers saw the same context switches: the same number of spans (each program reads
    # the clock itself, so a span near a slot's edge may land in the next slot)
    assert_equal "$(jq .count "$OUT")" "$(hist_sum "$text")"
}

@test "-T 1 3: a time per interval, and it ends after 3 intervals" {
    local t0=$SECONDS
    run_bct cpudist -T 1 3
    [ $((SECONDS - t0)) -ge 2 ] || fail "3 intervals of 1 s took less than 2 s"
    run grep -cE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$' <<<"$output"
    assert_output 3
}

@test "the raw_tp method counts the same" {
    sleeper
    BCCTOOL_DISABLE_ATTACH=kprobe,tp_btf BCCTOOL_LOG=debug start_cd -p "$W"
    go_workload "$W"
    kill -INT "$PID"
    wait "$PID"
    grep -q 'attaching with raw_tp' "$ERR" || fail "not attached with raw_tp: $(cat "$ERR")"
    assert_plausible "$(hist_sum "$OUT")"
}

@test "usage errors: bad interval, count, PID, extra argument" {
    run_bct 2 cpudist 0
    assert_output --partial "invalid interval: '0'"
    run_bct 2 cpudist 1 x
    assert_output --partial "invalid count: 'x'"
    run_bct 2 cpudist 1 2 3
    run_bct 2 cpudist -p abc
}

@test "--ebpf prints the program with the options' defines, without loading it" {
    run_bct cpudist --ebpf -O -I -P -e -m -p 42
    assert_line --partial '#define CPUDIST_OFFCPU'
    assert_line --partial '#define CPUDIST_IDLE'
    assert_line --partial '#define CPUDIST_PER_PID'
    assert_line --partial '#define CPUDIST_EXTENSION'
    assert_line --partial '#define CPUDIST_FACTOR 1000000'
    assert_line --partial '#define FILTER_PID 42'
    assert_line --partial 'SEC("tp_btf/sched_switch")'
    refute_line --partial 'Tracing o'
}
