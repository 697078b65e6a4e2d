#!/usr/bin/env bats
# bats file_tags=needs:bpf
# profile with real samples: test/workloads/spinner spins in spinner_burn_cpu() (or reads
# /dev/zero from spinner_read_zero()), built with frame pointers; each test profiles only that
# process (-p), so other files' work cannot change the counts. The machine may be loaded: the
# sample counts are checked against the CPU time the spinner really got meanwhile.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
HZ=99

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    W=$(workload spinner)
}

teardown() {
    bg_kill
}

# spin MODE: a spinner running MODE (spin or read) for 60 s in the background, its PID in SP.
spin() {
    "$W" "$1" 60000 &
    SP=$!
    BG+=("$SP")
}

# cpu_ticks PID: user + system time of PID so far, in clock ticks
cpu_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# start_trace ARGS...: "bcctool profile ARGS" in the background (text mode), output in $OUT;
# returns once the header is out (printed after the perf events are attached).
start_trace() {
    OUT=$T/trace.out
    ERR=$T/trace.err
    echo "\$ bcctool profile $*"
    "$BCCTOOL" profile "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header from profile"; }
}

# end_trace: waits for the tracer's own end (its duration); it must exit 0, stderr empty.
end_trace() {
    local rc=0
    wait "$TRACER" || rc=$?
    cat "$OUT"
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "profile exited $rc"
    [ ! -s "$ERR" ] || fail "profile wrote to stderr: $(cat "$ERR")"
}

# stack_counts FILE: the sum of the counts of the text-mode stacks in FILE
stack_counts() {
    awk '/^        [0-9]+$/ { n += $1 } END { print n + 0 }' "$1"
}

@test "-p -U: the spinner's stacks, counts as many as its CPU time at 99 Hz" {
    local t0 t1 n want
    spin spin
    start_trace -p "$SP" -U -F "$HZ" 2
    t0=$(cpu_ticks "$SP")
    end_trace
    t1=$(cpu_ticks "$SP")
    assert_equal "$(head -1 "$OUT")" "Sampling at $HZ Hertz of PID [$SP] by user stack for 2 secs."
    # every stack ends with the spinner's line; spinner_burn_cpu is the leaf of most samples
    run grep -c "^    -                spinner ($SP)\$" "$OUT"
    assert_success
    run grep -vE "^(    [^ ].*|    -                spinner \($SP\)|        [0-9]+|)\$" "$OUT"
    assert_output "Sampling at $HZ Hertz of PID [$SP] by user stack for 2 secs."
    n=$(stack_counts "$OUT")
    # samples: HZ per second of CPU the spinner got while sampled (ticks are 1/100 s)
    want=$(((t1 - t0) * HZ / 100))
    echo "samples $n, CPU ticks $((t1 - t0)), expected about $want"
    [ "$n" -ge 1 ] || fail "no samples"
    [ "$n" -ge $((want / 2)) ] || fail "$n samples, fewer than half of $want"
    [ "$n" -le $((want * 3 / 2 + 5)) ] || fail "$n samples, more than 1.5 x $want"
    # the leaf frame of the stacks: spinner_burn_cpu (or the clock_gettime it calls)
    run awk '/^    spinner_burn_cpu$/ { f = 1 } /^        [0-9]+$/ { if (f) n += $1; f = 0 } END { print n + 0 }' "$OUT"
    [ "$output" -ge $((n / 2)) ] || fail "spinner_burn_cpu in $output of $n samples"
    # -U: no kernel frame, no delimiter
    run grep -E '^    (entry_SYSCALL|--$)' "$OUT"
    assert_output ""
}

@test "-f: folded lines, comm;root...;leaf count" {
    local n
    spin spin
    run_bct profile -p "$SP" -U -F "$HZ" -f 1
    assert_success
    [ -n "$output" ] || fail "no samples"
    printf '%s\n' "$output" >"$T/folded"
    # every line: the command, the user frames root first, a space, the count
    run grep -vE '^spinner(;[^; ]+)+ [0-9]+$' "$T/folded"
    assert_output ""
    n=$(grep -cE '^spinner;.*main;spinner_burn_cpu [0-9]+$' "$T/folded" || true)
    [ "$n" -ge 1 ] || fail "no folded stack main;spinner_burn_cpu"
}

@test "-K: kernel frames of read(2) that kallsyms names, no user frames" {
    local f
    spin read
    run_bct profile -p "$SP" -K -F "$HZ" -f 2
    assert_success
    run grep -E '^spinner;.*(vfs_read|ksys_read|read_zero)' <<<"$output"
    assert_success
    for f in vfs_read ksys_read read_zero; do
        if grep -q ";$f[; ]" <<<"$output"; then
            grep -qE "^[0-9a-f]+ [tT] $f\$" /proc/kallsyms || fail "$f is not in /proc/kallsyms"
        fi
    done
    run grep -E 'spinner_read_zero|main' <<<"$output"
    assert_output ""
}

@test "-d: '-' between user and kernel frames (folded), '    --' (text); -a: _[k]" {
    spin read
    run_bct profile -p "$SP" -d -a -F "$HZ" -f 2
    assert_success
    run grep -E '^spinner;.*spinner_read_zero(;[^;]+)*;-;entry_[^;]+_\[k\](;[^;]+_\[k\])* [0-9]+$' <<<"$output"
    assert_success
    start_trace -p "$SP" -d -F "$HZ" 2
    end_trace
    run grep -B1 -A2 '^    --$' "$OUT"
    assert_output --regexp 'entry_SYSCALL'
    assert_output --regexp 'spinner_read_zero'
}

@test "-p, -L: only that process or thread is sampled" {
    local other
    spin spin
    other=$SP
    spin spin
    run_bct profile -p "$SP" -U -F "$HZ" -f 1
    assert_success
    [ -n "$output" ] || fail "no samples"
    run_bct profile -L "$other" -U -F "$HZ" --json 1
    assert_success
    run jq -r '.pid' <<<"$output"
    [ -n "$output" ] || fail "no samples"
    run grep -vx "$other" <<<"$output"
    assert_output ""
}

@test "a process that exited before the end: its user frames are [unknown]" {
    local sp
    bg_workload sp spinner spin 1000
    start_trace -p "$sp" -U -F "$HZ" 4
    go_workload "$sp"
    end_trace
    [ "$(stack_counts "$OUT")" -ge 1 ] || fail "no samples"
    run grep -E '^    [^ -]' "$OUT"
    refute_output --regexp 'spinner_burn_cpu|main'
    assert_output --regexp '^    \[unknown\]'
}

@test "--json: one object per stack, the same stacks as the folded text" {
    spin spin
    run_bct profile -p "$SP" -F "$HZ" --json 1
    assert_success
    printf '%s\n' "$output" >"$T/json"
    [ -s "$T/json" ] || fail "no samples"
    run jq -c 'select(type != "object")' "$T/json"
    assert_success
    assert_output ""
    run jq -r 'keys_unsorted | join(",")' "$T/json"
    assert_line "comm,pid,kernel_stack,user_stack,count"
    run jq -r --argjson p "$SP" 'select(.comm != "spinner" or .pid != $p or .count < 1)' "$T/json"
    assert_output ""
    run jq -r 'select(.user_stack[0] == "spinner_burn_cpu") | .count' "$T/json"
    [ -n "$output" ] || fail "no stack with spinner_burn_cpu as its leaf"
}

# chromium_dom URL OUT: the DOM headless chromium has after loading URL and running its scripts.
# Skips when chromium cannot start here at all (a probe on about:blank), saying why.
chromium_dom() {
    local err=$T/chromium.err
    command -v chromium >/dev/null || skip "chromium is not installed (make deps)"
    # root needs --no-sandbox; no GPU and no session bus in a test
    local c=(chromium --headless --no-sandbox --disable-gpu --no-first-run
        --user-data-dir="$T/chromium-profile")
    if ! DBUS_SESSION_BUS_ADDRESS=disabled: timeout 60 "${c[@]}" --dump-dom about:blank \
        >"$T/blank.dom" 2>"$err"; then
        skip "chromium cannot start here: $(grep -v dbus "$err" | tail -1)"
    fi
    DBUS_SESSION_BUS_ADDRESS=disabled: timeout 60 "${c[@]}" --dump-dom "$1" >"$2" 2>"$err" ||
        fail "chromium failed on $1: $(tail -3 "$err")"
}

@test "--svg: a flame graph of the samples; in chromium its script runs, search marks hot_spin_marker, the widest frame of its own; zoom" {
    local hs
    hs=$(workload hotspin)
    # about 9/10 of the time in hot_spin_marker, 1/10 in cool_spin_decoy
    "$hs" 60000 >/dev/null &
    SP=$!
    BG+=("$SP")
    run_bct profile -p "$SP" -U -F 499 -f --svg "$T/flame.svg" 2
    assert_success
    [ -n "$output" ] || fail "no samples"
    printf '%s\n' "$output" >"$T/folded"
    # the SVG holds the same samples as the folded text
    run python3 "$BATS_TEST_DIRNAME/../flamecheck.py" svg "$T/flame.svg" "CPU Flame Graph" samples
    assert_success
    assert_output --regexp "^frames [0-9]+ total $(awk '{ n += $NF } END { print n }' "$T/folded")\$"
    chromium_dom "file://$T/flame.svg?s=hot_spin_marker" "$T/flame.dom"
    run python3 "$BATS_TEST_DIRNAME/../flamecheck.py" dom "$T/flame.dom" hotspin hot_spin_marker hot_spin_marker
    assert_success
    # zoomed on main: main fills the plot, its callers faded, all else hidden
    chromium_dom "file://$T/flame.svg?z=main" "$T/zoom.dom"
    run python3 "$BATS_TEST_DIRNAME/../flamecheck.py" zoom "$T/zoom.dom" main
    assert_success
}

@test "--svg: a path that cannot be written fails before tracing, exit 1" {
    run_bct 1 profile --svg /nonexistent-dir/flame.svg 1
    assert_output --partial "cannot write the flame graph /nonexistent-dir/flame.svg"
}

@test "bad options: exit 2 with argparse's words" {
    run_bct 2 profile -F 5 -c 3
    assert_output --partial "argument -c/--count: not allowed with argument -F/--frequency"
    run_bct 2 profile -p x
    assert_output --partial "argument -p/--pid: must be an integer"
    run_bct 2 profile -p 1 -L 2
    assert_output --partial "argument -L/--tid: not allowed with argument -p/--pid"
    run_bct 2 profile 0
    assert_output --partial "argument duration: must be nonzero"
    run_bct 2 profile -U -K
    assert_output --partial "not allowed with"
    run_bct 2 profile --stack-storage-size 0
    assert_output --partial "argument --stack-storage-size: must be nonzero"
}
