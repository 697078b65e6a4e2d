#!/usr/bin/env bats
# reset-trace against a fake tracefs (BCCTOOL_TRACEFS = a directory of regular files): states,
# messages, -F/-q/-v, --json, read and write failures. Needs neither root nor a kernel.
load helpers

# A tracefs directory in its default state, as a fresh boot has it.
setup() {
    T=$BATS_TEST_TMPDIR/tracing
    mkdir -p "$T/events"
    : >"$T/kprobe_events"
    : >"$T/uprobe_events"
    printf '# tracer: nop\n#\n# entries-in-buffer/entries-written: 0/0   #P:2\n#\n' >"$T/trace"
    echo nop >"$T/current_tracer"
    echo '#### all functions enabled ####' >"$T/set_ftrace_filter"
    : >"$T/set_graph_function"
    echo 'no pid' >"$T/set_ftrace_pid"
    echo 0 >"$T/events/enable"
    echo 0 >"$T/tracing_thresh"
    echo 1 >"$T/tracing_on"
    export BCCTOOL_TRACEFS=$T
}

# The JSON record run_bct printed for one file.
record() {
    printf '%s\n' "$output" | jq -c --arg f "$1" 'select(.file == $f)'
}

files=(kprobe_events uprobe_events trace current_tracer set_ftrace_filter set_graph_function
    set_ftrace_pid events/enable tracing_thresh tracing_on)

@test "reset-trace: nothing to do is a silent run with exit 0" {
    run_bct 0 reset-trace
    assert_output ""
    run_bct 0 reset-trace -F
    assert_output ""
}

@test "reset-trace -v: every file checked in BCC's order, then Done." {
    run_bct 0 reset-trace -v
    local expected=("Resetting tracing state..." "") f
    for f in "${files[@]}"; do expected+=("Checking $T/$f"); done
    expected+=("" "Done.")
    assert_equal "${#lines[@]}" "$(( ${#expected[@]} - 2 ))" # bats drops empty lines
    assert_output "$(printf '%s\n' "${expected[@]}")"
}

@test "reset-trace: uprobe_events, kprobe_events and trace are reset without -F" {
    printf 'p:uprobes/p__bin_bash_0xa2540 /bin/bash:0x00000000000a2540\n' >"$T/uprobe_events"
    printf 'p:kprobes/p_do_sys_open do_sys_open\n' >"$T/kprobe_events"
    printf '# tracer: nop\n#\n            bash-1  [000] .....  1.0: foo\n' >>"$T/trace"
    run_bct 0 reset-trace
    assert_output "$(printf 'Needed to reset %s\n' "$T/kprobe_events" "$T/uprobe_events" "$T/trace")"
    assert_equal "$(cat "$T/uprobe_events")" ""
    assert_equal "$(cat "$T/kprobe_events")" ""
    assert_equal "$(cat "$T/trace")" ""
    run_bct 0 reset-trace
    assert_output ""
}

@test "reset-trace: ftrace files are noticed without -F and left alone" {
    echo function >"$T/current_tracer"
    echo 100 >"$T/tracing_thresh"
    echo 0 >"$T/tracing_on"
    run_bct 0 reset-trace
    local msg="isn't set as expected. Not resetting (-F to force, -v for verbose)."
    assert_output "Noticed unrelated tracing file $T/current_tracer $msg
Noticed unrelated tracing file $T/tracing_thresh $msg
Noticed unrelated tracing file $T/tracing_on $msg"
    assert_equal "$(cat "$T/current_tracer") $(cat "$T/tracing_thresh") $(cat "$T/tracing_on")" \
        "function 100 0"
}

@test "reset-trace -F: resets every ftrace file to its default" {
    echo function >"$T/current_tracer"
    echo do_sys_open >"$T/set_ftrace_filter"
    echo vfs_read >"$T/set_graph_function"
    echo 42 >"$T/set_ftrace_pid"
    echo X >"$T/events/enable"
    echo 100 >"$T/tracing_thresh"
    echo 0 >"$T/tracing_on"
    run_bct 0 reset-trace -F
    assert_output "$(printf 'Needed to reset %s\n' "$T/current_tracer" "$T/set_ftrace_filter" \
        "$T/set_graph_function" "$T/set_ftrace_pid" "$T/events/enable" "$T/tracing_thresh" \
        "$T/tracing_on")"
    assert_equal "$(cat "$T/current_tracer")" nop
    assert_equal "$(cat "$T/set_ftrace_filter")" ""
    assert_equal "$(cat "$T/set_graph_function")" ""
    assert_equal "$(cat "$T/events/enable")" 0
    assert_equal "$(cat "$T/tracing_thresh")" 0
    assert_equal "$(cat "$T/tracing_on")" 1
    # A regular file does not turn "" into "no pid" as the kernel does: reset again.
    run_bct 0 reset-trace -F
    assert_output "Needed to reset $T/set_ftrace_pid"
}

@test "reset-trace: comment lines and trailing empty lines do not count" {
    printf '# a comment\n\n\n' >"$T/uprobe_events"
    printf '# tracer: function\n0\n\n' >"$T/tracing_thresh"
    run_bct 0 reset-trace
    assert_output ""
    # An empty line before text does count.
    printf '\n1\n' >"$T/tracing_on"
    run_bct 0 reset-trace
    assert_output --partial "Noticed unrelated tracing file $T/tracing_on"
}

@test "reset-trace -v: before/after and contents listings, line enumerated as cat -nv" {
    printf 'p:uprobes/a /bin/true:0x1\np:uprobes/b \001\351:0x2\n' >"$T/uprobe_events"
    echo 100 >"$T/tracing_thresh"
    run_bct 0 reset-trace -v
    local tab=$'\t'
    assert_output "Resetting tracing state...

Checking $T/kprobe_events
Checking $T/uprobe_events
Needed to reset $T/uprobe_events
uprobe_events, before (line enumerated):
     1${tab}p:uprobes/a /bin/true:0x1
     2${tab}p:uprobes/b ^AM-i:0x2
uprobe_events, after (line enumerated):
     1${tab}

Checking $T/trace
Checking $T/current_tracer
Checking $T/set_ftrace_filter
Checking $T/set_graph_function
Checking $T/set_ftrace_pid
Checking $T/events/enable
Checking $T/tracing_thresh
Noticed unrelated tracing file $T/tracing_thresh isn't set as expected. Not resetting (-F to force, -v for verbose).
Contents of tracing_thresh is (line enumerated):
     1${tab}100
Expected \"0\".
Checking $T/tracing_on

Done."
}

@test "reset-trace -v: the listing matches cat -nv byte for byte" {
    printf 'one\ttab\n\177del\n\200\377high\n\n#comment\nlast' >"$T/uprobe_events"
    local want
    want="$(cat -nv "$T/uprobe_events")"
    run_bct 0 reset-trace -v
    local got
    got=$(printf '%s\n' "$output" | sed -n '/^uprobe_events, before/,/^uprobe_events, after/p' |
        sed '1d;$d')
    assert_equal "$got" "$want"
}

@test "reset-trace -q: resets silently and skips the checks" {
    echo 'p:uprobes/x /bin/true:0x1' >"$T/uprobe_events"
    echo 0 >"$T/tracing_on"
    run_bct 0 reset-trace -q
    assert_output ""
    assert_equal "$(cat "$T/uprobe_events")" ""
    assert_equal "$(cat "$T/tracing_on")" 0
    run_bct 0 reset-trace -q -F
    assert_output ""
    assert_equal "$(cat "$T/tracing_on")" 1
}

@test "reset-trace: missing files are skipped quietly; -v says so" {
    rm "$T/kprobe_events" "$T/set_graph_function"
    run_bct 0 reset-trace -F
    assert_output ""
    run_bct 0 reset-trace -v
    assert_line "Skipping $T/kprobe_events: it doesn't exist"
    assert_line "Skipping $T/set_graph_function: it doesn't exist"
    refute_line "Checking $T/kprobe_events"
}

@test "reset-trace: an unreadable bcc file warns once, the run goes on, exit 1" {
    rm "$T/uprobe_events" && mkdir "$T/uprobe_events"
    echo 0 >"$T/tracing_on"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 reset-trace
    assert_equal "$stderr" "reset-trace: cannot read '$T/uprobe_events': Is a directory (EISDIR)"
    assert_output --partial "Noticed unrelated tracing file $T/tracing_on"
}

@test "reset-trace: an unreadable ftrace file warns but exits 0 without -F, 1 with -F" {
    rm "$T/current_tracer" && mkdir "$T/current_tracer"
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 reset-trace
    assert_output ""
    assert_equal "$stderr" "reset-trace: cannot read '$T/current_tracer': Is a directory (EISDIR)"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 reset-trace -F
    assert_equal "$stderr" "reset-trace: cannot read '$T/current_tracer': Is a directory (EISDIR)"
}

@test "reset-trace: a failed write warns once with the errno, the run goes on, exit 1" {
    # /dev/full reads as zeros (not the expected "") and refuses writes with ENOSPC, root or not.
    rm "$T/uprobe_events" && ln -s /dev/full "$T/uprobe_events"
    printf 'x\n' >>"$T/trace"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 reset-trace
    assert_equal "$stderr" \
        "reset-trace: cannot reset '$T/uprobe_events': No space left on device (ENOSPC)"
    assert_output "Needed to reset $T/uprobe_events
Needed to reset $T/trace"
    assert_equal "$(cat "$T/trace")" ""
}

@test "reset-trace --json: one record per file with file, found, expected, action" {
    rm "$T/kprobe_events"
    echo 'p:uprobes/x /bin/true:0x1' >"$T/uprobe_events"
    echo function >"$T/current_tracer"
    rm "$T/tracing_thresh" && mkdir "$T/tracing_thresh"
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 reset-trace --json -q -v
    assert_equal "$stderr" "reset-trace: cannot read '$T/tracing_thresh': Is a directory (EISDIR)"
    assert_equal "${#lines[@]}" 10
    local got
    got=$(printf '%s\n' "$output" | jq -rc '[.file, .found, .expected, .action, .always] | @tsv')
    assert_equal "$got" "$(printf '%s\t%s\t%s\t%s\t%s\n' \
        kprobe_events '' '' missing true \
        uprobe_events 'p:uprobes/x /bin/true:0x1' '' reset true \
        trace '' '' none true \
        current_tracer function nop noticed false \
        set_ftrace_filter '' '' none false \
        set_graph_function '' '' none false \
        set_ftrace_pid 'no pid' 'no pid' none false \
        events/enable 0 0 none false \
        tracing_thresh '' 0 failed false \
        tracing_on 1 1 none false)"
    record tracing_thresh | jq -e --arg p "$T/tracing_thresh" \
        '.found == null and .error == "Is a directory" and .path == $p'
    record kprobe_events | jq -e '.found == null and (has("error") | not)'
}

@test "reset-trace --json: a state longer than 64 KiB is truncated and reset" {
    seq 1 20000 | sed 's|^|p:uprobes/p_|' >"$T/uprobe_events"
    run_bct 0 reset-trace --json
    record uprobe_events | jq -e '.truncated == true and .action == "reset" and (.found | length) == 65536'
    record trace | jq -e 'has("truncated") | not'
    assert_equal "$(cat "$T/uprobe_events")" ""
}

@test "reset-trace: a tracefs directory that cannot be used exits 1" {
    BCCTOOL_TRACEFS=$BATS_TEST_TMPDIR/nonexistent BCT_RUN_FLAGS=--separate-stderr \
        run_bct 1 reset-trace
    assert_output ""
    [[ "$stderr" == "reset-trace: cannot access tracing '$BATS_TEST_TMPDIR/nonexistent': No such file or directory; root user?" ]] ||
        fail "stderr: $stderr"
}

@test "reset-trace --ebpf: says there is no BPF program, touches nothing, exit 0" {
    echo 'p:uprobes/x /bin/true:0x1' >"$T/uprobe_events"
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 reset-trace --ebpf
    assert_output "reset-trace: this tool has no BPF program"
    assert_equal "$stderr" ""
    assert_equal "$(cat "$T/uprobe_events")" 'p:uprobes/x /bin/true:0x1'
}

@test "reset-trace: bad options and extra arguments exit 2 with a usage hint, touching nothing" {
    echo 'p:uprobes/x /bin/true:0x1' >"$T/uprobe_events"
    BCT_RUN_FLAGS=--separate-stderr run_bct 2 reset-trace -x
    assert_output ""
    [[ "$stderr" == *"invalid option -- 'x'"*"Try \`reset-trace --help'"* ]] || fail "$stderr"
    BCT_RUN_FLAGS=--separate-stderr run_bct 2 reset-trace extra
    [[ "$stderr" == *"unrecognized argument: 'extra'"* ]] || fail "$stderr"
    assert_equal "$(cat "$T/uprobe_events")" 'p:uprobes/x /bin/true:0x1'
}

@test "reset-trace -h: BCC's usage and the long options on stdout" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 reset-trace -h
    assert_output --partial "USAGE: reset-trace [-Fhqv]"
    assert_line --regexp '^ +-F, --force +force: reset all tracing files$'
    assert_line --regexp '^ +-q, --quiet +quiet: no output$'
    assert_line --regexp '^ +-v, --verbose +verbose: print details while working$'
    assert_equal "$stderr" ""
}
