#!/usr/bin/env bats
# bats file_tags=needs:bpf
# capable with real events: test/workloads/capper makes N chroot(".") calls under a marked
# command name, each one CAP_SYS_CHROOT (18) check; each test counts the lines of that
# command. Tracers run in the background; teardown kills what a test left.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=40

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=capb$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
    METHOD=$("$BCCTOOL" check capable | awk '{print $2}')
}

teardown() {
    bg_kill
}

# start_trace ARGS...: "bcctool capable ARGS" in the background, output in $OUT and $ERR;
# returns once the header is out (printed after the program is attached).
start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool capable $*"
    "$BCCTOOL" capable "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header from the tracer"; }
}

# stop_trace: after the tracer's next drain, SIGINT; it must exit 0 with nothing on stderr.
stop_trace() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "capable exited $rc"
    [ ! -s "$ERR" ] || fail "capable wrote to stderr: $(cat "$ERR")"
}

# lines FIELD: the trace lines whose field FIELD is the marked command
lines() {
    awk -v c="$MARK" -v f="${1:-4}" '$f == c' "$OUT"
}

@test "N chroots: N CAP_SYS_CHROOT lines with BCC's columns and widths" {
    local c
    start_trace
    bg_workload c capper -N "$MARK" -n "$N"
    go_workload "$c"
    stop_trace
    if [ "$METHOD" = kprobe ]; then
        printf -v want '%-9s %-6s %-6s %-16s %-4s %-20s %-6s' TIME UID PID COMM CAP NAME AUDIT
    else
        printf -v want '%-9s %-6s %-6s %-16s %-4s %-20s' TIME UID PID COMM CAP NAME
    fi
    assert_equal "$(head -1 "$OUT")" "$want"
    assert_equal "$(lines | awk '$5 == 18' | wc -l)" "$N"
    assert_equal "$(lines | awk -v p="$c" '$2 == 0 && $3 == p && $5 == 18 && $6 == "CAP_SYS_CHROOT"' | wc -l)" "$N"
    # the exact layout, "%-9s %-6d %-6d %-16s %-4d %-20s"
    run grep -cE "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]  $(printf '%-6s %-6s %-16s %-4s %-20s' 0 "$c" "$MARK" 18 CAP_SYS_CHROOT)" "$OUT"
    assert_output "$N"
}

@test "-x adds the TID column" {
    local c
    start_trace -x
    bg_workload c capper -N "$MARK" -n "$N"
    go_workload "$c"
    stop_trace
    if [ "$METHOD" = kprobe ]; then
        printf -v want '%-9s %-6s %-6s %-6s %-16s %-4s %-20s %-6s %s' TIME UID PID TID COMM CAP NAME AUDIT INSETID
    else
        printf -v want '%-9s %-6s %-6s %-6s %-16s %-4s %-20s' TIME UID PID TID COMM CAP NAME
    fi
    assert_equal "$(head -1 "$OUT")" "$want"
    assert_equal "$(lines 5 | awk -v p="$c" '$3 == p && $4 == p && $6 == 18 && $7 == "CAP_SYS_CHROOT"' | wc -l)" "$N"
}

@test "--unique shows each capability once per process" {
    local a b
    start_trace --unique
    bg_workload a capper -N "$MARK" -n "$N"
    bg_workload b capper -N "$MARK" -n "$N"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(lines | awk '$5 == 18' | wc -l)" 2
    assert_equal "$(lines | awk -v p="$a" '$3 == p && $5 == 18' | wc -l)" 1
    assert_equal "$(lines | awk -v p="$b" '$3 == p && $5 == 18' | wc -l)" 1
    # no capability repeats for one process
    run sh -c "awk 'NR > 1 {print \$3, \$5}' '$OUT' | sort | uniq -d"
    assert_output ""
}

@test "-p keeps exactly the checks of that process" {
    local a b
    bg_workload a capper -N "$MARK" -n "$N"
    bg_workload b capper -N "$MARK" -n "$N"
    start_trace -p "$a"
    go_workload "$a" "$b"
    stop_trace
    assert_equal "$(lines | awk '$5 == 18' | wc -l)" "$N"
    run awk -v p="$a" 'NR > 1 && $3 != p' "$OUT"
    assert_output ""
}

@test "--json with --exec: one object per check, agreeing with the text" {
    local w
    w=$(workload capper)
    run_bct capable --json --exec "$w" -N "$MARK" -n "$N"
    assert_success
    printf '%s\n' "$output" | grep -v '^chroot ' >"$T/json"
    run jq -c 'select(type != "object")' "$T/json"
    assert_success
    assert_output ""
    if [ "$METHOD" = kprobe ]; then
        assert_equal "$(jq -c --arg c "$MARK" 'select(.comm == $c and .cap == 18 and .name == "CAP_SYS_CHROOT" and .uid == 0 and .audit == 1)' "$T/json" | wc -l)" "$N"
    else
        assert_equal "$(jq -c --arg c "$MARK" 'select(.comm == $c and .cap == 18 and .name == "CAP_SYS_CHROOT" and .uid == 0 and .verdict == "allow")' "$T/json" | wc -l)" "$N"
        run jq -r --arg c "$MARK" 'select(.comm == $c) | keys_unsorted | join(",")' "$T/json"
        assert_line "time,uid,pid,comm,cap,name,verdict"
    fi
    # the text of the same run
    run_bct capable --exec "$w" -N "$MARK" -n "$N"
    assert_success
    assert_equal "$(printf '%s\n' "$output" | awk -v c="$MARK" '$4 == c && $5 == 18 && $6 == "CAP_SYS_CHROOT"' | wc -l)" "$N"
}

@test "--ebpf shows the options as defines; bad options are usage errors" {
    run_bct capable --ebpf -p 1
    assert_success
    assert_line --partial "#define FILTER_AUDIT"
    assert_line --partial "#define FILTER_PID 1"
    refute_line --partial "#define UNIQUE"
    run_bct capable --ebpf -v --unique
    assert_success
    refute_line --partial "#define FILTER_AUDIT"
    assert_line --partial "#define UNIQUE"
    run_bct 2 capable -p 12x
    run_bct 2 capable extra
}

@test "-K and -U: each check's kernel and user stacks under its line, BCC's frames" {
    local w
    w=$(workload capper)
    run_bct capable -K -U --exec "$w" -N "$MARK" -n 2 -l 300
    assert_success
    local out=$output
    # the lines of our chroot checks, each followed by its frames
    run awk -v c="$MARK" '$4 == c && $5 == 18 { n++; getline; print n, $0 }' <<<"$out"
    assert_line --regexp '^1         cap_capable\+0x[0-9a-f]+ \[kernel\]$'
    assert_line --regexp '^2         cap_capable\+0x[0-9a-f]+ \[kernel\]$'
    # the kernel frames reach the syscall, then the user frame is libc's chroot()
    run awk -v c="$MARK" '$4 == c && $5 == 18 { on = 1; next } /^[0-9]/ { on = 0 } on' <<<"$out"
    assert_line --regexp '^        __x64_sys_chroot\+0x[0-9a-f]+ \[kernel\]$'
    # a stack whose hash bucket holds another is missed, and said so, as in BCC
    grep -qx '    \[Missed User Stack\]' <<<"$output" &&
        retry_once "a user stack of chroot shared its stack-map bucket with another"
    assert_equal "$(grep -cE '^        chroot\+0x[0-9a-f]+ \[libc\.so\.6\]$' <<<"$output")" 2
    # --json: the frames joined by ";", leaf first
    run_bct capable --json -K --exec "$w" -N "$MARK" -n 1
    run jq -r --arg c "$MARK" 'select(.comm == $c and .cap == 18) | .kernel_stack' \
        < <(grep '^{' <<<"$output")
    assert_output --regexp '^cap_capable\+0x[0-9a-f]+ \[kernel\];.*__x64_sys_chroot'
}
