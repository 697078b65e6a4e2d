#!/usr/bin/env bats
# bats file_tags=needs:root,serial
# reset-trace on the real tracefs: a uprobe left in uprobe_events is removed, ftrace files are
# noticed or (-F) reset, -v/-q/--json output, EBUSY on a probe in use, mounting tracefs.
# setup saves the machine's tracing state and teardown puts it back, even when a test fails.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_root
    D=$(tracefs_dir) || skip "tracefs cannot be mounted"
    PROBE=bct_rst_$$
    saved_on=$(cat "$D/tracing_on")
    saved_thresh=$(cat "$D/tracing_thresh")
    saved_tracer=$(cat "$D/current_tracer")
    # Not ours to reset: another session's probes or ftrace settings.
    if grep -qv '^#' "$D/uprobe_events"; then
        skip "uprobe_events holds another session's probes"
    fi
    # The kernel enables bpf_trace/bpf_trace_printk whenever a program calling bpf_trace_printk
    # loads (earlier tests load some) and never disables it: off for the test, back in teardown.
    saved_printk=
    if [ "$(grep -l . "$D"/events/*/enable | xargs grep -Lx 0)" = "$D/events/bpf_trace/enable" ]; then
        saved_printk=$(cat "$D/events/bpf_trace/enable")
        echo 0 >"$D/events/bpf_trace/enable"
    fi
    if [ "$saved_tracer" != nop ] || [ "$saved_thresh" != 0 ] || [ "$saved_on" != 1 ] ||
        [ "$(cat "$D/events/enable")" != 0 ]; then
        skip "tracing is in use: current_tracer=$saved_tracer tracing_thresh=$saved_thresh tracing_on=$saved_on events/enable=$(cat "$D/events/enable")"
    fi
    # Events a previous run left in the buffer would make every run "Needed to reset trace".
    : >"$D/trace"

    # Files reset-trace only checks but that cannot be read here (EPERM under some LSMs or
    # lockdown): each gives one warning on a plain run.
    unreadable=()
    local f
    for f in current_tracer set_ftrace_filter set_graph_function set_ftrace_pid events/enable \
        tracing_thresh tracing_on; do
        if [ -e "$D/$f" ] && ! cat "$D/$f" >/dev/null 2>&1; then unreadable+=("$f"); fi
    done
}

teardown() {
    [ -n "${D-}" ] || return 0
    # tracefs may have been unmounted by the mount test.
    D=$(tracefs_dir) || return 0
    if [ -d "$D/events/uprobes/$PROBE" ]; then
        echo 0 >"$D/events/uprobes/$PROBE/enable" 2>/dev/null || true
        echo "-:uprobes/$PROBE" >>"$D/uprobe_events" 2>/dev/null || true
    fi
    echo "$saved_tracer" >"$D/current_tracer" 2>/dev/null || true
    echo "$saved_thresh" >"$D/tracing_thresh" 2>/dev/null || true
    echo "$saved_on" >"$D/tracing_on" 2>/dev/null || true
    [ -z "${saved_printk-}" ] || echo "$saved_printk" >"$D/events/bpf_trace/enable" 2>/dev/null || true
}

# Adds a uprobe on the first instruction of /bin/true's .text (a file offset).
add_uprobe() {
    local off
    off=$(readelf -SW /bin/true | sed -n 's/.*\.text *PROGBITS *[0-9a-f]* \([0-9a-f]*\) .*/\1/p')
    [ -n "$off" ] || fail "no .text in /bin/true"
    echo "p:uprobes/$PROBE /bin/true:0x$off" >>"$D/uprobe_events"
    grep -q "^p:uprobes/$PROBE " "$D/uprobe_events" || fail "the uprobe did not register"
    [ -d "$D/events/uprobes/$PROBE" ] || fail "no event directory for the uprobe"
}

# The warnings a plain (not -q) run prints for files it only checks and cannot read.
warnings() {
    local f msg
    for f in "${unreadable[@]}"; do
        msg=$(cat "$D/$f" 2>&1 >/dev/null | sed 's/^cat: [^:]*: //')
        echo "reset-trace: cannot read '$D/$f': $msg ($(errno_name "$msg"))"
    done
}

errno_name() {
    case "$1" in
        "Operation not permitted") echo EPERM ;;
        "Permission denied") echo EACCES ;;
        "No such device") echo ENODEV ;;
        "Device or resource busy") echo EBUSY ;;
        *) echo "unknown errno: $1" ;;
    esac
}

notice() {
    echo "Noticed unrelated tracing file $D/$1 isn't set as expected. Not resetting (-F to force, -v for verbose)."
}

@test "reset-trace: a uprobe left in uprobe_events is removed" {
    add_uprobe
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 reset-trace
    assert_output "Needed to reset $D/uprobe_events"
    assert_equal "$stderr" "$(warnings)"
    run grep -c "$PROBE" "$D/uprobe_events"
    assert_output 0
    [ ! -d "$D/events/uprobes/$PROBE" ] || fail "the uprobe's event is still there"
}

@test "reset-trace: nothing to do prints nothing and exits 0" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 reset-trace
    assert_output ""
    assert_equal "$stderr" "$(warnings)"
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 reset-trace -q
    assert_output ""
    assert_equal "$stderr" ""
}

@test "reset-trace: changed tracing_thresh and tracing_on are noticed, and reset with -F" {
    echo 100 >"$D/tracing_thresh"
    echo 0 >"$D/tracing_on"
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 reset-trace
    assert_output "$(notice tracing_thresh; notice tracing_on)"
    assert_equal "$(cat "$D/tracing_thresh") $(cat "$D/tracing_on")" "100 0"

    # -F resets them; files it cannot read are failures then (exit 1).
    local rc=0
    [ ${#unreadable[@]} -eq 0 ] || rc=1
    BCT_RUN_FLAGS=--separate-stderr run_bct $rc reset-trace -F
    assert_output "$(printf 'Needed to reset %s\n' "$D/tracing_thresh" "$D/tracing_on")"
    assert_equal "$stderr" "$(warnings)"
    assert_equal "$(cat "$D/tracing_thresh") $(cat "$D/tracing_on")" "0 1"
}

@test "reset-trace -v: checks each file and lists it before and after a reset" {
    add_uprobe
    echo 100 >"$D/tracing_thresh"
    local before f
    before=$(cat -nv "$D/uprobe_events")
    local expected=("Resetting tracing state..." "")
    for f in kprobe_events uprobe_events trace current_tracer set_ftrace_filter \
        set_graph_function set_ftrace_pid events/enable tracing_thresh tracing_on; do
        if [ ! -e "$D/$f" ]; then
            expected+=("Skipping $D/$f: it doesn't exist")
            continue
        fi
        expected+=("Checking $D/$f")
        case $f in
            uprobe_events)
                expected+=("Needed to reset $D/uprobe_events" \
                    "uprobe_events, before (line enumerated):" "$before" \
                    "uprobe_events, after (line enumerated):" "")
                ;;
            tracing_thresh)
                expected+=("$(notice tracing_thresh)" \
                    "Contents of tracing_thresh is (line enumerated):" "$(printf '%6d\t100' 1)" \
                    'Expected "0".')
                ;;
        esac
    done
    expected+=("" "Done.")
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 reset-trace -v
    assert_equal "$stderr" "$(warnings)"
    # Line by line, so a difference names its line.
    local want=() i
    mapfile -t want < <(printf '%s\n' "${expected[@]}")
    local got=()
    mapfile -t got < <(printf '%s\n' "$output")
    for ((i = 0; i < ${#want[@]} || i < ${#got[@]}; i++)); do
        [ "${got[i]-<missing>}" = "${want[i]-<none>}" ] ||
            fail "line $((i + 1)): got '${got[i]-<missing>}', expected '${want[i]-<none>}'"
    done
}

@test "reset-trace -q: removes the uprobe and prints nothing" {
    add_uprobe
    echo 100 >"$D/tracing_thresh"
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 reset-trace -q
    assert_output ""
    assert_equal "$stderr" ""
    [ ! -d "$D/events/uprobes/$PROBE" ] || fail "the uprobe is still there"
    assert_equal "$(cat "$D/tracing_thresh")" 100
}

@test "reset-trace: a uprobe in use gives one EBUSY warning, exit 1, and the run goes on" {
    add_uprobe
    echo 1 >"$D/events/uprobes/$PROBE/enable"
    echo 100 >"$D/tracing_thresh"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 reset-trace
    assert_line "Needed to reset $D/uprobe_events"
    assert_line "$(notice tracing_thresh)"
    local busy="reset-trace: cannot reset '$D/uprobe_events': Device or resource busy (EBUSY); is a tracing tool still running? Continuing"
    assert_equal "$stderr" "$(echo "$busy"; warnings)"
    grep -q "$PROBE" "$D/uprobe_events" || fail "the uprobe in use was removed"
}

@test "reset-trace --json: one parseable record per file with the fields" {
    add_uprobe
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 reset-trace --json
    assert_equal "${#lines[@]}" 10
    local n
    n=$(printf '%s\n' "$output" |
        jq -c 'select((.file|type) == "string" and (.path|type) == "string" and
            has("found") and (.expected|type) == "string" and
            (.action|IN("none","reset","noticed","failed","missing")))' | wc -l)
    assert_equal "$n" 10
    printf '%s\n' "$output" | jq -c 'select(.file == "uprobe_events")' |
        jq -e --arg p "$PROBE" '.action == "reset" and (.found | contains($p))'
    printf '%s\n' "$output" | jq -c 'select(.file == "tracing_on")' |
        jq -e '.action == "none" and .found == "1" and .expected == "1"'
    [ ! -d "$D/events/uprobes/$PROBE" ] || fail "the uprobe is still there"
}

@test "reset-trace: mounts tracefs when it is not mounted" {
    [ "$D" = /sys/kernel/tracing ] || skip "tracefs is at $D"
    [ "$(stat -f -c %T /sys/kernel/debug/tracing 2>/dev/null)" != tracefs ] ||
        skip "tracefs is also mounted at /sys/kernel/debug/tracing"
    local err
    # Never lazily: a busy tracefs (another session has files open) stays as it is.
    err=$(umount /sys/kernel/tracing 2>&1) || skip "cannot unmount /sys/kernel/tracing safely: $err"
    if [ "$(stat -f -c %T /sys/kernel/tracing)" = tracefs ]; then
        skip "tracefs is still mounted at /sys/kernel/tracing (stacked mounts)"
    fi
    BCCTOOL_LOG=info BCT_RUN_FLAGS=--separate-stderr run_bct 0 reset-trace
    assert_output ""
    [[ "$stderr" == *"reset-trace: mounted tracefs on '/sys/kernel/tracing'"* ]] ||
        fail "no mount message: $stderr"
    assert_equal "$(stat -f -c %T /sys/kernel/tracing)" tracefs
}
