#!/usr/bin/env bats
# bats file_tags=needs:bpf
# mountsnoop with real events: test/workloads/mounter mounts and unmounts a tmpfs on a
# directory of the test's own (old API: mount/umount2; new API: fsopen .. move_mount), and
# mount(8)/umount(8) do it once; each test checks exactly the lines for that directory.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=3

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    DIR=$T/mnt-$BATS_TEST_NUMBER-$$
    mkdir -p "$DIR"
    BG=()
    TRACE_SEQ=0
    NS=$(stat -L -c %i /proc/self/ns/mnt)
}

teardown() {
    bg_kill
    umount "$DIR" 2>/dev/null || true
}

start_trace() {
    TRACE_SEQ=$((TRACE_SEQ + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool mountsnoop $*"
    "$BCCTOOL" mountsnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    if [[ " $* " == *" --json "* ]]; then
        wait_for "$TRACER" 300 json_ready || { cat "$ERR"; fail "tracer not ready"; }
    else
        wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR"; fail "no header"; }
    fi
}

# a failing umount of a path of our own shows the tracer is attached
json_ready() {
    umount "$T/ready-$$" 2>/dev/null
    grep -q "ready-$$" "$OUT"
}

stop_trace() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "mountsnoop exited $rc"
    [ ! -s "$ERR" ] || fail "mountsnoop wrote to stderr"
}

# lines_of PID: the text lines of that process
lines_of() { awk -v p="$1" '$2 == p' "$OUT"; }

@test "mount and umount: N lines each, BCC's columns and call, and the failed umount" {
    bg_workload W mounter -n $N -N mnt_old old "$DIR"
    start_trace
    go_workload "$W"
    stop_trace
    run head -1 "$OUT"
    assert_output 'COMM             PID     TID     MNT_NS      CALL'
    local pre m u
    pre=$(printf '%-16s %-7d %-7d %-11d ' mnt_old "$W" "$W" "$NS")
    m="${pre}mount(\"bct_src\", \"$DIR\", \"tmpfs\", MS_NOSUID|MS_NODEV, \"size=1m,mode=700\") = 0"
    u="${pre}umount(\"$DIR\", 0x0) = 0"
    run lines_of "$W"
    assert_equal "${#lines[@]}" $((2 * N + 1))
    local i
    for ((i = 0; i < N; i++)); do
        assert_line --index $((2 * i)) "$m"
        assert_line --index $((2 * i + 1)) "$u"
    done
    assert_line --index $((2 * N)) "${pre}umount(\"$DIR\", 0x0) = -EINVAL"
}

@test "the new mount API: fsopen, fsconfig, fsmount, move_mount, written out" {
    bg_workload W mounter -n $N -N mnt_new new "$DIR"
    start_trace -p "$W"
    go_workload "$W"
    stop_trace
    run lines_of "$W"
    assert_equal "${#lines[@]}" $((6 * N))
    # the file descriptors are the first two free ones in the workload
    local f m
    f=$(lines_of "$W" | sed -n 's/.* fsopen("tmpfs", FSOPEN_CLOEXEC) = \([0-9]*\)$/\1/p' | head -1)
    m=$((f + 1))
    assert_equal "$(lines_of "$W" | cut -c 46- | sort | uniq -c | sed 's/^ *//')" "$(
        cat <<END
$N fsconfig($f, FSCONFIG_CMD_CREATE, "", "", 0) = 0
$N fsconfig($f, FSCONFIG_SET_STRING, "size", "1m", 0) = 0
$N fsmount($f, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID) = $m
$N fsopen("tmpfs", FSOPEN_CLOEXEC) = $f
$N move_mount($m, "", AT_FDCWD, "$DIR", MOVE_MOUNT_F_EMPTY_PATH) = 0
$N umount("$DIR", MNT_DETACH) = 0
END
    )"
}

@test "mount(8) of a tmpfs shows source, target, fstype, flags and data; -P the parent" {
    start_trace -P
    mount -t tmpfs -o size=1m,nosuid,noexec bct_m8src "$DIR"
    umount "$DIR"
    stop_trace
    run head -1 "$OUT"
    assert_output 'COMM             PID     TID     PCOMM            PPID    MNT_NS      CALL'
    run grep -F "\"$DIR\"" "$OUT"
    assert_equal "${#lines[@]}" 2
    assert_line --index 0 --regexp "^mount +[0-9]+ +[0-9]+ +[^ ]+ +$$ +$NS +mount\(\"bct_m8src\", \"$DIR\", \"tmpfs\", MS_NOSUID\|MS_NOEXEC, \"size=1m\"\) = 0$"
    assert_line --index 1 --regexp "^umount +[0-9]+ +[0-9]+ +[^ ]+ +$$ +$NS +umount\(\"$DIR\", 0x0\) = 0$"
}

@test "-p keeps exactly the calls of that process; -t adds a HH:MM:SS column" {
    bg_workload W mounter -n $N old "$DIR"
    bg_workload X mounter -n $N old "$DIR.x"
    mkdir -p "$DIR.x"
    start_trace -t -p "$W"
    go_workload "$W" "$X"
    stop_trace
    run head -1 "$OUT"
    assert_output 'TIME     COMM             PID     TID     MNT_NS      CALL'
    assert_equal "$(awk 'NR > 1' "$OUT" | wc -l)" $((2 * N + 1))
    assert_equal "$(tail -n +2 "$OUT" | grep -cvE "^[0-9]{2}:[0-9]{2}:[0-9]{2} mounter +$W ")" 0
}

@test "--json: one object per call with the mount's arguments" {
    bg_workload W mounter -n $N old "$DIR"
    start_trace --json
    go_workload "$W"
    stop_trace
    local sel='select(.pid == '"$W"')'
    assert_equal "$(jq -c "$sel | select(.syscall == \"mount\") | [.source, .target, .fstype, .flags, .data, .ret, .mnt_ns]" "$OUT" | sort | uniq -c | sed 's/^ *//')" \
        "$N [\"bct_src\",\"$DIR\",\"tmpfs\",6,\"size=1m,mode=700\",0,$NS]"
    assert_equal "$(jq -c "$sel | select(.syscall == \"umount\") | [.target, .flags, .ret]" "$OUT" | sort | uniq -c | sed 's/^ *//')" \
        "$(printf '%s\n' "$N [\"$DIR\",0,0]" "1 [\"$DIR\",0,-22]" | sort)"
    assert_equal "$(jq -r "$sel | .call" "$OUT" | head -1)" \
        "mount(\"bct_src\", \"$DIR\", \"tmpfs\", MS_NOSUID|MS_NODEV, \"size=1m,mode=700\") = 0"
}

@test "no attach method left: one error naming every method tried" {
    BCCTOOL_DISABLE_ATTACH=kprobe,tracepoint BCT_RUN_FLAGS=--separate-stderr run_bct 1 mountsnoop
    [[ "$stderr" == "mountsnoop: cannot attach 'mount syscalls': kprobe: "*"; tracepoint: disabled by BCCTOOL_DISABLE_ATTACH" ]] ||
        fail "unexpected: $stderr"
}

@test "usage errors exit 2" {
    run_bct 2 mountsnoop -Q
    run_bct 2 mountsnoop -p x
}
