#!/usr/bin/env bats
# bats file_tags=needs:bpf
# opensnoop with real events: test/workloads/opener opens a uniquely named file N times and
# fails to open another N times; each test counts the lines the tracer printed for those paths.
# Tracers and workloads run in the background ("$BCCTOOL" directly: run_bct cannot), and
# teardown kills whatever a failed test left running and removes its cgroup.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=500

setup() {
    require_bpf
    OPENER=$BCCTOOL_BUILD/workloads/opener
    [ -x "$OPENER" ] || fail "$OPENER is not built (make)"
    T=$BATS_TEST_TMPDIR
    OK=$T/osnp-ok-$BATS_TEST_NUMBER-$$
    FAIL=$T/osnp-missing-$BATS_TEST_NUMBER-$$
    : >"$OK"
    BG=()
    CG=
    SHARED=
}

teardown() {
    local p
    for p in "${BG[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    for p in "${BG[@]}"; do wait "$p" 2>/dev/null || true; done
    cgroup_del
    if [ -n "$SHARED" ]; then rm -rf "$SHARED"; fi
    if [ -n "${PINNED-}" ]; then rm -f "$PINNED"; fi
}

# u64_hex N: N as 8 little-endian bytes for bpftool ("e2 03 00 00 00 00 00 00")
u64_hex() {
    printf '%016x' "$1" | sed 's/../& /g' | awk '{ for (i = 8; i >= 1; i--) printf "%s ", $i }'
}

# pinned_set VALUE_SIZE KEY...: a pinned hash map (as BCC's --cgroupmap docs make it) holding KEYs
pinned_set() {
    local vsize=$1 k
    shift
    # mounted where it is missing, as systemd and BCC's docs do; skipped only if the kernel refuses
    if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
        mount -t bpf bpf /sys/fs/bpf || skip "kernel refused to mount the BPF file system"
    fi
    PINNED=/sys/fs/bpf/bct-osnp-$$-$BATS_TEST_NUMBER
    bpftool map create "$PINNED" type hash key 8 value "$vsize" entries 128 name bctset flags 0
    for k in "$@"; do
        # shellcheck disable=SC2046
        bpftool map update pinned "$PINNED" key hex $(u64_hex "$k") value hex \
            $(printf '01 %.0s' $(seq "$vsize"))
    done
}

# start_trace ARGS...: "bcctool opensnoop ARGS" in the background, output in $OUT and $ERR;
# returns once the header is out (printed after the programs are attached).
start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool opensnoop $*"
    "$BCCTOOL" opensnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_ready_line "$OUT" "$TRACER"
}

# wait_ready_line FILE PID: waits (30 s at most) until FILE has a line, while PID lives.
wait_ready_line() {
    local i
    for ((i = 0; i < 3000; i++)); do
        [ -s "$1" ] && return 0
        kill -0 "$2" 2>/dev/null || { cat "$ERR" >&2; fail "tracer exited early"; }
        sleep 0.01
    done
    fail "tracer never printed its header"
}

# For --json, which has no header: opens a marker until the tracer shows it (from inside $CG
# when the test made one, as a tracer of that cgroup sees no other open).
start_trace_json() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    local marker=$T/osnp-ready-$$ i
    echo "\$ bcctool opensnoop $*"
    "$BCCTOOL" opensnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    for ((i = 0; i < 3000; i++)); do
        if [ -n "$CG" ]; then
            (echo "$BASHPID" >"$CG/cgroup.procs" && : <"$marker") 2>/dev/null || true
        else
            { : <"$marker"; } 2>/dev/null || true
        fi
        grep -q "osnp-ready-$$" "$OUT" 2>/dev/null && return 0
        kill -0 "$TRACER" 2>/dev/null || { cat "$ERR" >&2; fail "tracer exited early"; }
        sleep 0.01
    done
    fail "tracer never showed the ready marker"
}

# stop_trace: SIGINT, then the tracer must exit 0 with nothing on stderr.
stop_trace() {
    kill -INT "$TRACER"
    stop_trace_wait
}

# stop_trace_wait: reaps the tracer (already sent its SIGINT): exit 0, nothing on stderr.
stop_trace_wait() {
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "opensnoop exited $rc"
    [ ! -s "$ERR" ] || fail "opensnoop wrote to stderr: $(cat "$ERR")"
}

# start_opener VAR ARGS...: the workload, waiting for SIGUSR1; its PID in VAR.
start_opener() {
    local var=$1 pid i out
    shift
    OPENER_SEQ=$((${OPENER_SEQ:-0} + 1))
    out=$T/opener.$OPENER_SEQ
    "$OPENER" -w "$@" >"$out" &
    pid=$!
    BG+=("$pid")
    printf -v "$var" %s "$pid"
    # "ready": SIGUSR1 is blocked from then on
    for ((i = 0; i < 1000; i++)); do
        grep -qs ready "$out" && return 0
        kill -0 "$pid" 2>/dev/null || fail "opener $* exited early"
        sleep 0.01
    done
    fail "opener $* never got ready"
}

# go_opener PID...: lets the openers run and waits for them; each must exit 0.
go_opener() {
    local p rc
    for p in "$@"; do kill -USR1 "$p"; done
    for p in "$@"; do
        rc=0
        wait "$p" || rc=$?
        [ "$rc" -eq 0 ] || fail "opener $p exited $rc"
    done
    sleep 0.1 # the tracer drains every 10 ms
}

# lines_for PATH: the trace lines whose last field is PATH
lines_for() {
    awk -v p="$1" '$NF == p' "$OUT"
}

count_for() {
    lines_for "$1" | wc -l
}

@test "every open and failed open: N lines each, with PID, COMM, FD and ERR" {
    start_opener W -N osnp_basic "$OK" "$FAIL"
    in_cgroup "$W"
    start_trace --cgroup "$CG"
    go_opener "$W"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "PID    COMM               FD ERR PATH"
    assert_equal "$(count_for "$OK")" "$N"
    assert_equal "$(count_for "$FAIL")" "$N"
    # PID COMM FD ERR PATH, with BCC's widths
    assert_equal "$(lines_for "$OK" | awk -v pid="$W" '$1 == pid && $2 == "osnp_basic" && $3 >= 3 && $4 == 0' | wc -l)" "$N"
    assert_equal "$(lines_for "$FAIL" | awk -v pid="$W" '$1 == pid && $2 == "osnp_basic" && $3 == -1 && $4 == 2' | wc -l)" "$N"
    run grep -c -E "^$W +osnp_basic +[0-9]+ +0 $OK\$" "$OUT"
    assert_output "$N"
    # the exact layout: %-6d %-16s %4d %3d
    printf -v want '%-6d %-16s %4d %3d %s' "$W" osnp_basic -1 2 "$FAIL"
    assert_equal "$(lines_for "$FAIL" | head -1)" "$want"
}

@test "-x shows only the failed opens" {
    start_opener W "$OK" "$FAIL"
    in_cgroup "$W"
    start_trace -x --cgroup "$CG"
    go_opener "$W"
    stop_trace
    assert_equal "$(count_for "$OK")" 0
    assert_equal "$(count_for "$FAIL")" "$N"
    run awk 'NR > 1 && $3 != -1' "$OUT"
    assert_output ""
}

@test "-p keeps exactly the opens of that process" {
    start_opener A "$OK" "$FAIL"
    start_opener B "$OK.b" "$FAIL.b"
    : >"$OK.b"
    start_trace -p "$A"
    go_opener "$A" "$B"
    stop_trace
    assert_equal "$(count_for "$OK")" "$N"
    assert_equal "$(count_for "$FAIL")" "$N"
    assert_equal "$(count_for "$OK.b")" 0
    assert_equal "$(count_for "$FAIL.b")" 0
    run awk -v pid="$A" 'NR > 1 && $1 != pid' "$OUT"
    assert_output ""
}

@test "Ctrl-C prints every event already in the ring, not only a first few" {
    # the tracer is stopped while the opens happen, so all 2N wait in the ring, unread, when
    # SIGINT arrives with its SIGCONT
    start_opener A "$OK" "$FAIL"
    start_trace -p "$A"
    kill -STOP "$TRACER"
    go_opener "$A"
    kill -INT "$TRACER"
    kill -CONT "$TRACER"
    stop_trace_wait
    assert_equal "$(count_for "$OK")" "$N"
    assert_equal "$(count_for "$FAIL")" "$N"
}

@test "-t keeps exactly the opens of that thread, in a TID column" {
    start_opener W -t "$T/tid" "$OK" "$FAIL"
    local i
    for ((i = 0; i < 100; i++)); do [ -s "$T/tid" ] && break; sleep 0.01; done
    TID=$(cat "$T/tid")
    [ "$TID" != "$W" ] || fail "the thread has the process's ID"
    start_trace -t "$TID"
    go_opener "$W"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "TID    COMM               FD ERR PATH"
    # the thread opened OK and FAIL N times each; the main thread opened OK N more times
    assert_equal "$(count_for "$OK")" "$N"
    assert_equal "$(count_for "$FAIL")" "$N"
    run awk -v tid="$TID" 'NR > 1 && $1 != tid' "$OUT"
    assert_output ""
}

@test "-u keeps exactly the opens of that user, -U shows the UID" {
    SHARED=$(mktemp -d /tmp/bct-osnp.XXXXXX)
    chmod 755 "$SHARED"
    local ok=$SHARED/ok fail=$SHARED/missing
    : >"$ok"
    chmod 644 "$ok"
    start_opener A -u 65534 "$ok" "$fail"
    start_opener B "$OK" "$FAIL"
    start_trace -U -u 65534
    go_opener "$A" "$B"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "UID   PID    COMM               FD ERR PATH"
    assert_equal "$(count_for "$ok")" "$N"
    assert_equal "$(count_for "$fail")" "$N"
    assert_equal "$(count_for "$OK")" 0
    assert_equal "$(count_for "$FAIL")" 0
    run awk 'NR > 1 && $1 != 65534' "$OUT"
    assert_output ""
}

@test "-n keeps exactly the opens of commands containing NAME" {
    start_opener A -N "xosnpA$$" "$OK" "$FAIL"
    start_opener B -N "xosnpB$$" "$OK.b" "$FAIL.b"
    : >"$OK.b"
    start_trace -n "snpA$$"
    go_opener "$A" "$B"
    stop_trace
    assert_equal "$(count_for "$OK")" "$N"
    assert_equal "$(count_for "$FAIL")" "$N"
    assert_equal "$(count_for "$OK.b")" 0
    run awk -v c="xosnpA$$" 'NR > 1 && $2 != c' "$OUT"
    assert_output ""
}

@test "--cgroup keeps exactly the opens of tasks in that cgroup v2" {
    start_opener A "$OK" "$FAIL"
    in_cgroup "$A"
    start_opener B "$OK.b" "$FAIL.b"
    : >"$OK.b"
    start_trace --cgroup "$CG"
    go_opener "$A" "$B"
    stop_trace
    assert_equal "$(count_for "$OK")" "$N"
    assert_equal "$(count_for "$FAIL")" "$N"
    assert_equal "$(count_for "$OK.b")" 0
    assert_equal "$(count_for "$FAIL.b")" 0
}

@test "--cgroupmap keeps exactly the opens of cgroups in BCC's pinned map" {
    local root
    root=$(findmnt -n -t cgroup2 -o TARGET | head -1)
    [ -n "$root" ] || skip "no cgroup v2 hierarchy mounted"
    CG=$root/bct-osnp-$$
    mkdir "$CG" || skip "cannot create a cgroup under $root"
    pinned_set 8 "$(stat -c %i "$CG")" # a cgroup v2 ID is its directory's inode number
    start_opener A "$OK" "$FAIL"
    echo "$A" >"$CG/cgroup.procs"
    start_opener B "$OK.b" "$FAIL.b"
    : >"$OK.b"
    start_trace --cgroupmap "$PINNED"
    go_opener "$A" "$B"
    stop_trace
    assert_equal "$(count_for "$OK")" "$N"
    assert_equal "$(count_for "$FAIL")" "$N"
    assert_equal "$(count_for "$OK.b")" 0
}

@test "--mntnsmap keeps exactly the opens of mount namespaces in BCC's pinned map" {
    local ns
    start_opener B "$OK.b" "$FAIL.b"
    : >"$OK.b"
    # unshare execs the opener in a new mount namespace
    OPENER_SEQ=$((${OPENER_SEQ:-0} + 1))
    unshare -m "$OPENER" -w "$OK" "$FAIL" >"$T/opener.$OPENER_SEQ" &
    A=$!
    BG+=("$A")
    local i
    for ((i = 0; i < 1000; i++)); do grep -qs ready "$T/opener.$OPENER_SEQ" && break; sleep 0.01; done
    ns=$(stat -L -c %i "/proc/$A/ns/mnt")
    [ "$ns" != "$(stat -L -c %i /proc/self/ns/mnt)" ] || fail "unshare -m made no new namespace"
    pinned_set 4 "$ns" # BCC's mount_ns_set: u64 keys, u32 values
    start_trace --mntnsmap "$PINNED"
    go_opener "$A" "$B"
    stop_trace
    assert_equal "$(count_for "$OK")" "$N"
    assert_equal "$(count_for "$FAIL")" "$N"
    assert_equal "$(count_for "$OK.b")" 0
}

@test "--cgroupmap with a path that is not a pinned map fails" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 opensnoop --cgroupmap "$OK"
    [[ "$stderr" == "opensnoop: cannot open pinned BPF map '$OK': "* ]] || fail "$stderr"
}

@test "--cgroup with a path that is not a cgroup v2 directory fails" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 opensnoop --cgroup "$T"
    assert_equal "$stderr" "opensnoop: '$T' is not a cgroup v2 directory"
}

@test "-d 1 ends on time" {
    local t0 t1 t2 rc=0
    # The second starts when the header is printed, which this shell sees only at its next
    # look (late under load): at least a second from the start, at most two from the header.
    t0=$(date +%s%N)
    start_trace -d 1
    t1=$(date +%s%N)
    wait "$TRACER" || rc=$?
    t2=$(date +%s%N)
    [ "$rc" -eq 0 ] || fail "exit $rc"
    local all=$(((t2 - t0) / 1000000)) ms=$(((t2 - t1) / 1000000))
    echo "ran ${all} ms, ${ms} ms after its header was seen"
    ((all >= 1000)) || fail "-d 1 ran ${all} ms from its start"
    # one second, plus the kernel's time to detach four tracepoints: 2.5 s once with six
    # files' tests on two cores; a -d taken as minutes, or ignored, is far above
    ((ms <= 5000)) || fail "-d 1 ran ${ms} ms after its header"
}

@test "-T: a TIME(s) column, starting at 0, monotonic" {
    start_opener W "$OK" "$FAIL"
    start_trace -T -p "$W"
    go_opener "$W"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "TIME(s)       PID    COMM               FD ERR PATH"
    assert_equal "$(count_for "$OK")" "$N"
    assert_equal "$(sed -n 2p "$OUT" | awk '{print $1}')" "0.000000000"
    run awk 'NR > 2 && $1 + 0 < prev + 0 { print "not monotonic at line " NR ": " prev " > " $1 }
        NR > 1 { prev = $1 }
        NR > 1 && $1 !~ /^[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]$/ {
            print "bad time: " $1 }' "$OUT"
    assert_output ""
}

@test "-e shows the flags and mode that were passed" {
    # O_WRONLY|O_CREAT|O_TRUNC = 01101, mode 0640; the failing opens are O_RDONLY: no mode
    start_opener W -o 01101 -m 0640 "$OK" "$FAIL"
    start_trace -e -p "$W"
    go_opener "$W"
    stop_trace
    assert_equal "$(head -1 "$OUT")" "PID    COMM               FD ERR FLAGS    MODE PATH"
    assert_equal "$(lines_for "$OK" | awk '$5 == "00001101" && $6 == "0640"' | wc -l)" "$N"
    assert_equal "$(lines_for "$FAIL" | awk '$5 == "00000000" && $6 == "n/a"' | wc -l)" "$N"
}

@test "-f O_CREAT keeps only creating opens" {
    start_opener A -o 0101 -m 0600 "$OK" "$FAIL"
    start_opener B -o 02 "$OK.b"
    : >"$OK.b"
    in_cgroup "$A" "$B"
    start_trace -f O_CREAT --cgroup "$CG"
    go_opener "$A" "$B"
    stop_trace
    assert_equal "$(count_for "$OK")" "$N"
    assert_equal "$(count_for "$FAIL")" 0
    assert_equal "$(count_for "$OK.b")" 0
}

@test "-f O_WRONLY -f O_RDWR keeps writing opens; O_RDONLY reading ones" {
    start_opener A -o 01 "$OK" "$FAIL"
    start_opener B -o 02 "$OK.b"
    : >"$OK.b"
    in_cgroup "$A" "$B"
    start_trace -f O_WRONLY -f O_RDWR --cgroup "$CG"
    go_opener "$A" "$B"
    stop_trace
    assert_equal "$(count_for "$OK")" "$N"
    assert_equal "$(count_for "$OK.b")" "$N"
    assert_equal "$(count_for "$FAIL")" 0

    start_opener A -o 01 "$OK" "$FAIL"
    start_trace -f O_RDONLY -p "$A"
    go_opener "$A"
    stop_trace
    assert_equal "$(count_for "$OK")" 0
    assert_equal "$(count_for "$FAIL")" "$N"
}

@test "-f with an unknown flag is an error, as in BCC" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 opensnoop -f O_BOGUS
    assert_equal "$stderr" "Bad flag: O_BOGUS"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 opensnoop -f WRONLY
    assert_equal "$stderr" "Bad flag: WRONLY"
}

@test "-F prints the absolute path of a relative open" {
    mkdir -p "$T/dir/sub"
    : >"$T/dir/sub/rel-$$"
    local abs
    abs=$(realpath "$T/dir/sub")
    start_opener W -C "$T/dir" "sub/rel-$$" "sub/missing-$$"
    start_trace -F -p "$W"
    go_opener "$W"
    stop_trace
    assert_equal "$(count_for "$abs/rel-$$")" "$N"
    assert_equal "$(count_for "$abs/missing-$$")" "$N"
    # absolute names are left as they are
    start_opener W "$OK"
    start_trace -F -p "$W"
    go_opener "$W"
    stop_trace
    assert_equal "$(count_for "$OK")" "$N"
}

@test "-F crosses mount points and stops at the process's root" {
    [ -d /proc/self ] || skip "no /proc"
    start_opener W -n 5 -C /proc/sys/kernel "ostype" "missing-$$"
    start_trace -F -p "$W"
    go_opener "$W"
    stop_trace
    assert_equal "$(count_for /proc/sys/kernel/ostype)" 5
    assert_equal "$(count_for "/proc/sys/kernel/missing-$$")" 5
}

@test "--exec traces only its child and exits when it does" {
    start_opener B -n 1000000 "$OK.b" "$FAIL.b"
    : >"$OK.b"
    kill -USR1 "$B" # opens all along while the traced command runs
    local t0=$SECONDS
    BCT_TIMEOUT=20 run_bct opensnoop --exec "$OPENER" -n 50 "$OK" "$FAIL"
    ((SECONDS - t0 < 15)) || fail "did not exit with its command"
    OUT=$T/exec.out
    printf '%s\n' "$output" >"$OUT"
    assert_equal "$(count_for "$OK")" 50
    assert_equal "$(count_for "$FAIL")" 50
    assert_equal "$(count_for "$OK.b")" 0
    # one PID: the command's
    assert_equal "$(awk 'NR > 1 {print $1}' "$OUT" | sort -u | wc -l)" 1
    assert_equal "$(awk 'NR > 1 {print $2}' "$OUT" | sort -u)" opener
}

@test "--exec with a command that cannot run fails" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 opensnoop --exec "$T/no-such-command"
    assert_equal "$stderr" "opensnoop: cannot run '$T/no-such-command': No such file or directory"
}

@test "no attach method left: one error naming every method tried" {
    BCCTOOL_DISABLE_ATTACH=fentry,kprobe,tracepoint BCT_RUN_FLAGS=--separate-stderr \
        run_bct 1 opensnoop
    assert_output ""
    [[ "$stderr" == "opensnoop: cannot attach 'open syscalls': fexit: "*"; kprobe: "*"; tracepoint: disabled by BCCTOOL_DISABLE_ATTACH" ]] ||
        fail "unexpected: $stderr"
}

@test "--exec and -p are exclusive" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 opensnoop -p 1 --exec true
    assert_equal "$stderr" "opensnoop: --exec cannot be used with -p/--pid"
}

@test "--json lines parse and carry the same values as the text" {
    start_opener W -o 0101 -m 0600 -N osnp_json "$OK" "$FAIL"
    in_cgroup "$W"
    start_trace_json --json --cgroup "$CG"
    local json=$OUT jerr=$ERR jpid=$TRACER
    start_trace -p "$W"
    go_opener "$W"
    stop_trace
    kill -INT "$jpid"
    wait "$jpid" || fail "opensnoop --json exited $?"
    [ ! -s "$jerr" ] || fail "stderr: $(cat "$jerr")"
    # every line is an object
    run jq -c 'select(type != "object")' "$json"
    assert_success
    assert_output ""
    run jq -r --arg ok "$OK" --argjson pid "$W" \
        'select(.path == $ok and .pid == $pid and .tid == $pid and .comm == "osnp_json" and
        .fd >= 3 and .err == 0 and .flags == 65 and .mode == 384 and (.ts | type) == "number"
        and .uid == 0)' "$json"
    assert_equal "$(jq -s length <<<"$output")" "$N"
    run jq -r --arg f "$FAIL" --argjson pid "$W" \
        'select(.path == $f and .pid == $pid and .fd == -1 and .err == 2 and .flags == 0 and
        .mode == null)' "$json"
    assert_equal "$(jq -s length <<<"$output")" "$N"
    # the same PID COMM FD ERR PATH rows as the text tracer
    diff <(jq -r --argjson pid "$W" 'select(.pid == $pid) | "\(.pid) \(.comm) \(.fd) \(.err) \(.path)"' "$json") \
        <(awk 'NR > 1 {print $1, $2, $3, $4, $5}' "$OUT") || fail "JSON and text differ"
}

@test "--json keeps the filters" {
    start_opener W "$OK" "$FAIL"
    in_cgroup "$W"
    start_trace_json --json -x --cgroup "$CG"
    go_opener "$W"
    stop_trace
    assert_equal "$(jq -r --arg p "$OK" 'select(.path == $p)' "$OUT" | jq -s length)" 0
    assert_equal "$(jq -r --arg p "$FAIL" 'select(.path == $p)' "$OUT" | jq -s length)" "$N"
}

@test "| head -1 exits 0 and leaves nothing loaded" {
    local before after
    before=$(bpftool prog show 2>/dev/null | grep -c ' name tp_openat ' || true)
    start_opener W -n 100000000 "$OK"
    kill -USR1 "$W" # opens all along, so the tracer has lines to write into the closed pipe
    run timeout -s KILL 30 bash -c '"$1" opensnoop | head -1; echo "rc=${PIPESTATUS[0]}"' _ "$BCCTOOL"
    assert_line --index 0 "PID    COMM               FD ERR PATH"
    # nothing between but lost-event reports (stderr), which a flood on a busy machine can cause
    assert_equal "${lines[-1]}" "rc=0"
    local l
    for l in "${lines[@]:1:${#lines[@]}-2}"; do
        [[ "$l" == "opensnoop: "*"lost "*" events"* ]] || fail "unexpected line: $l"
    done
    after=$(bpftool prog show 2>/dev/null | grep -c ' name tp_openat ' || true)
    [ "$after" -le "$before" ] || fail "a program is still loaded ($before before, $after after)"
}

@test "long paths: in full up to 4095 bytes, else cut with a visible ..." {
    local mid big long
    # 300 bytes (a file), 2000 (ENOENT), then 5000 (ENAMETOOLONG)
    mid=$T/$(printf 'd%.0s' {1..100})/$(printf 'e%.0s' {1..100})/$(printf 'f%.0s' {1..100})
    big=$T$(for i in {1..10}; do printf '/%s' "$(printf "$i%.0s" {1..190})"; done)
    long=$T/$(printf 'x%.0s' {1..5000})
    mkdir -p "$(dirname "$mid")"
    : >"$mid"
    start_opener W -n 3 "$mid" "$big"
    start_trace -p "$W"
    go_opener "$W"
    stop_trace
    assert_equal "$(count_for "$mid")" 3
    assert_equal "$(count_for "$big")" 3
    start_opener W -n 3 "$OK" "$long"
    start_trace -p "$W"
    go_opener "$W"
    stop_trace
    # ENAMETOOLONG, the first 4095 bytes and "..."
    assert_equal "$(count_for "${long:0:4095}...")" 3
    assert_equal "$(lines_for "${long:0:4095}..." | awk '$3 == -1 && $4 == 36' | wc -l)" 3
}

@test "events that do not fit the buffer are counted and reported, never silently dropped" {
    local n=3000 printed lost
    start_opener W -n "$n" -N "osnpl$$" "$OK" "$FAIL"
    start_trace -b 1 -n "osnpl$$"
    kill -STOP "$TRACER"
    go_opener "$W"
    kill -CONT "$TRACER"
    sleep 0.3
    kill -INT "$TRACER"
    wait "$TRACER" || fail "exit $?"
    cat "$ERR"
    printed=$(($(count_for "$OK") + $(count_for "$FAIL")))
    lost=$(sed -n 's/.*lost \([0-9]*\) events in total.*/\1/p' "$ERR")
    [ -n "$lost" ] || fail "no lost-events total on stderr"
    ((lost > 0)) || fail "nothing lost with a stopped reader"
    assert_equal "$((printed + lost))" "$((2 * n))"
}

@test "-b sizes the ring at load time: another size is the same compiled program" {
    local cache=$BATS_TEST_TMPDIR/cache
    mkdir -m 0700 "$cache"
    BCCTOOL_CACHE_DIR=$cache "$BCCTOOL" opensnoop -b 2 -d 100ms >/dev/null
    BCCTOOL_CACHE_DIR=$cache BCCTOOL_LOG=debug run "$BCCTOOL" opensnoop -b 256 -d 100ms
    assert_success
    assert_output --partial "compile cache hit for 'opensnoop.bpf.c'"
    refute_output --partial "compiling 'opensnoop.bpf.c'"
    # the largest size is bounded by a usage error, not a failed load
    run_bct 2 opensnoop -b 1048576
    assert_output --partial "invalid buffer pages: '1048576' (from 1 to "
}

@test "--ebpf shows the filters as defines" {
    run_bct opensnoop --ebpf -p 123 -u 7 -x -f O_CREAT -f O_SYNC -n abc -F
    assert_line "#define FILTER_PID 123"
    assert_line "#define FILTER_UID 7"
    assert_line "#define FILTER_FAILED 1"
    assert_line "#define FILTER_FLAGS 0100"
    assert_line "#define FILTER_FLAGS_ALL0 04010000"
    assert_line "#define FILTER_COMM_LEN 3"
    assert_line "#define FULLPATH 1"
    assert_output --partial 'SEC("tracepoint/syscalls/sys_exit_openat")'
}

@test "usage errors exit 2" {
    run_bct 2 opensnoop -p abc
    run_bct 2 opensnoop -b 3
    run_bct 2 opensnoop -d x
    run_bct 2 opensnoop extra
}

@test "the tracer's own opens while attaching are not shown" {
    local out=$BATS_TEST_TMPDIR/self.out pid
    "$BCCTOOL" opensnoop >"$out" 2>&1 &
    pid=$!
    BG+=("$pid")
    sleep 1.5
    cat /dev/null
    kill -INT "$pid"
    wait "$pid"
    run cat "$out"
    assert_line --index 0 --regexp '^PID +COMM +FD ERR PATH$'
    refute_line --regexp "^$pid "
}

@test "a hostile file name stays one row in text and valid UTF-8 in --json" {
    local name=$T/osnp-evil-$$-x$'\e]0;PWNED\a\nrow\\'$'\xff\xfe'
    local esc="$T/osnp-evil-$$-x\\033]0;PWNED\\007\\012row\\134\\377\\376"
    : >"$name"
    start_opener W -n 5 -N osnp_evil "$name"
    in_cgroup "$W"
    start_trace_json --json --cgroup "$CG"
    local json=$OUT jpid=$TRACER
    start_trace -p "$W"
    go_opener "$W"
    stop_trace
    kill -INT "$jpid"
    wait "$jpid" || fail "opensnoop --json exited $?"
    # no escape, bell or stray byte reaches the terminal; each open is one whole row
    if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f\x80-\xff]' "$OUT"; then
        fail "raw control or invalid bytes in the text: $(cat -v "$OUT")"
    fi
    assert_equal "$(P=$esc awk 'NR > 1 && $5 == ENVIRON["P"]' "$OUT" | wc -l)" 5
    assert_equal "$(wc -l <"$OUT")" 6
    # every line is strict UTF-8 JSON; the name comes back with U+FFFD for the invalid bytes
    run python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8", errors="strict"):
    e = json.loads(line)
    n += e.get("comm") == "osnp_evil" and e["path"] == sys.argv[2]
print(n)' "$json" "$T/osnp-evil-$$-x"$'\e]0;PWNED\a\nrow\\\ufffd\ufffd'
    assert_success
    assert_output 5
}
