# Shared bats helpers. Every test runs bcctool through run_bct, never a bare tool name
# (Debian's libbpf-tools owns /usr/sbin/opensnoop and friends).
bats_require_minimum_version 1.8.0

# bats_load_library sources a library's load.bash, which forks a dirname per file: ~0.4 s per
# test under bats' debug trap, and every test loads this file. Source the files directly.
bct_load_library() {
    local d f
    for d in ${BATS_LIB_PATH//:/ } /usr/lib/bats; do
        [ -f "$d/$1/load.bash" ] || continue
        if [ -d "$d/$1/src" ]; then
            for f in "$d/$1"/src/*.bash; do source "$f"; done
            return 0
        fi
        break
    done
    bats_load_library "$1"
}
bct_load_library bats-support
bct_load_library bats-assert

: "${BCCTOOL:=$(cd "$BATS_TEST_DIRNAME" && cd "$(git rev-parse --show-toplevel)" && pwd)/build/bcctool}"
: "${BCCTOOL_BUILD:=$(dirname "$BCCTOOL")}"
export BCCTOOL BCCTOOL_BUILD

# run_bct [EXPECTED_RC|'?'] ARGS...   runs "$BCCTOOL ARGS..." under a timeout (BCT_TIMEOUT,
# default 30 s), echoes the command, checks the exit code (default 0) and echoes the output,
# which bats shows only when the test fails. Extra bats run flags: set BCT_RUN_FLAGS, e.g.
# BCT_RUN_FLAGS=--separate-stderr.
run_bct() {
    local expect=0
    case "${1-}" in
        '?' | [0-9] | [0-9][0-9] | [0-9][0-9][0-9]) expect=$1; shift ;;
    esac
    echo "\$ bcctool $*"
    # shellcheck disable=SC2086
    local rc_flag=()
    [ "$expect" = '?' ] || rc_flag=("-$expect")
    # shellcheck disable=SC2086
    run "${rc_flag[@]}" ${BCT_RUN_FLAGS-} timeout --preserve-status -s INT "${BCT_TIMEOUT:-30}" \
        "$BCCTOOL" "$@"
    echo "$output"
    if [ -n "${stderr-}" ]; then echo "stderr: $stderr"; fi
}

require_root() {
    [ "$(id -u)" -eq 0 ] || skip "needs root"
}

# Skips unless the kernel really lets us load BPF (probed once by setup_suite).
require_bpf() {
    require_root
    [ "${BCT_HAVE_BPF:-}" = 1 ] || skip "kernel refused a BPF program load: ${BCT_BPF_WHY:-unknown}"
}

# Path of a tracefs file, mounting tracefs the way bcctool does when neither path is mounted.
tracefs_dir() {
    local d
    for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
        if [ "$(stat -f -c %T "$d" 2>/dev/null)" = tracefs ]; then echo "$d"; return; fi
    done
    mount -t tracefs tracefs /sys/kernel/tracing && echo /sys/kernel/tracing
}

# --- shared workloads and waits for the tools' tests -------------------------------------------
# Workload programs are test/workloads/NAME.c, built as $BCCTOOL_BUILD/workloads/NAME:
#   opener     N opens of a path and N failed opens of another (flags, mode, comm, uid, thread)
#   syscaller  N getpid() calls, forks, execs, signals or sleeps, under a chosen comm
# Both take -w: they print "ready", then wait for SIGUSR1 (see bg_workload and go_workload).

# workload NAME: the path of a workload program; fails the test when it is not built.
workload() {
    local w=$BCCTOOL_BUILD/workloads/$1
    [ -x "$w" ] || fail "$w is not built (make)"
    echo "$w"
}

# wait_for PID TICKS CMD...: runs CMD every 10 ms until it succeeds, for TICKS x 10 ms at most, while
# PID lives (use - for none). Returns 1 when PID exits first or time runs out.
wait_for() {
    local pid=$1 end
    end=$((${EPOCHREALTIME//[.,]/} + $2 * 10000))
    shift 2
    while :; do
        "$@" 2>/dev/null && return 0
        [ "$pid" = - ] || kill -0 "$pid" 2>/dev/null || return 1
        # wall time, not tries: a slow CMD on a loaded machine does not stretch the limit
        [ "${EPOCHREALTIME//[.,]/}" -lt "$end" ] || return 1
        sleep 0.01
    done
}

# bg_workload VAR NAME ARGS...: starts workload NAME with -w in the background, its PID in VAR
# and in BG (teardown calls bg_kill); returns once it is ready, waiting for go_workload.
bg_workload() {
    local var=$1 name=$2 w out pid
    shift 2
    w=$(workload "$name") || return 1
    out=$(mktemp "$BATS_TEST_TMPDIR/$name.XXXXXX")
    "$w" -w "$@" >"$out" &
    pid=$!
    BG+=("$pid")
    printf -v "$var" %s "$pid"
    wait_for "$pid" 1000 grep -qx ready "$out" || fail "$name $* never got ready"
}

# go_workload PID...: lets each workload started by bg_workload run and waits for it; each
# must exit 0.
go_workload() {
    local p rc
    for p in "$@"; do kill -USR1 "$p"; done
    for p in "$@"; do
        rc=0
        wait "$p" || rc=$?
        [ "$rc" -eq 0 ] || fail "workload $p exited $rc"
    done
}

# bg_kill: kills and reaps every PID in BG (what a failed test left running); for teardown.
bg_kill() {
    local p
    for p in "${BG[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
    for p in "${BG[@]}"; do wait "$p" 2>/dev/null || true; done
    BG=()
}

# ended PID: true once PID has exited (a zombie, not yet reaped by its parent, counts).
ended() {
    case $(ps -o stat= -p "$1" 2>/dev/null) in '' | Z*) return 0 ;; esac
    return 1
}

# stop_pid PID SECS: SIGTERM to a background child, SIGKILL if it has not ended within SECS
# (bpftrace once ignored SIGTERM on a loaded machine and hung a teardown), then reaps it.
stop_pid() {
    local i
    kill "$1" 2>/dev/null || return 0
    for ((i = 0; i < $2 * 100; i++)); do
        ended "$1" && break
        sleep 0.01
    done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# loop_dev [MB]: a block device of the test's own: a loop device with direct I/O over a file
# of MB MiB (default 8) in BATS_TEST_TMPDIR. Sets LOOP (/dev/loopN) and DISK (loopN); teardown
# calls loop_dev_detach.
loop_dev() {
    command -v losetup >/dev/null || skip "losetup is not installed"
    dd if=/dev/zero of="$BATS_TEST_TMPDIR/disk.img" bs=1M count="${1:-8}" status=none
    LOOP=$(losetup --direct-io=on -f --show "$BATS_TEST_TMPDIR/disk.img") ||
        fail "cannot set up a loop device"
    DISK=${LOOP#/dev/}
    echo "loop device: $LOOP (direct I/O: $(cat "/sys/block/$DISK/loop/dio" 2>/dev/null))"
}

loop_dev_detach() {
    if [ -n "${LOOP-}" ]; then losetup -d "$LOOP" || echo "cannot detach $LOOP" >&2; fi
    LOOP=
}

# direct_io NREADS NWRITES: that many 4 KiB O_DIRECT reads of $LOOP from offset 0, then writes
# at 1 MiB, one at a time; checks in /sys/block/$DISK/stat that the device completed exactly
# that many requests and merged none, so a tracer must see exactly those.
direct_io() {
    local r0 rm0 w0 wm0 r1 rm1 w1 wm1
    read -r r0 rm0 w0 wm0 < <(awk '{ print $1, $2, $5, $6 }' "/sys/block/$DISK/stat")
    [ "$1" -eq 0 ] || dd if="$LOOP" of=/dev/null bs=4k count="$1" iflag=direct status=none
    [ "$2" -eq 0 ] || dd if=/dev/zero of="$LOOP" bs=4k count="$2" seek=256 oflag=direct status=none
    read -r r1 rm1 w1 wm1 < <(awk '{ print $1, $2, $5, $6 }' "/sys/block/$DISK/stat")
    assert_equal "$((r1 - r0)) $((rm1 - rm0)) $((w1 - w0)) $((wm1 - wm0))" "$1 0 $2 0"
}

# tcp_netns PREFIX: a network namespace of the test's own in NS, its loopback up, for the TCP
# tools' tests (their sessions stay out of the host's traffic); teardown runs tcp_netns_del.
tcp_netns() {
    command -v ip >/dev/null || skip "ip (iproute2) is not installed"
    NS=${1}_$$_$BATS_TEST_NUMBER
    ip netns add "$NS" || fail "cannot create network namespace $NS"
    ip -n "$NS" link set lo up
}

tcp_netns_del() {
    [ -z "${NS:-}" ] || ip netns del "$NS" 2>/dev/null || true
}

# tcp_sessions VAR ARGS...: test/workloads/tcpcs -w ARGS in NS, waiting for go_workload; its
# PID in VAR and in BG.
tcp_sessions() {
    local var=$1 w out pid
    shift
    w=$(workload tcpcs) || return 1
    out=$(mktemp "$BATS_TEST_TMPDIR/tcpcs.XXXXXX")
    ip netns exec "$NS" "$w" -w "$@" >"$out" &
    pid=$!
    BG+=("$pid")
    printf -v "$var" %s "$pid"
    wait_for "$pid" 1000 grep -qx ready "$out" || fail "tcpcs $* never got ready"
}

# --- network tools --------------------------------------------------------------------------
# net_ns PREFIX: a network namespace of the test's own (loopback up), its name in NS, so that
# the test's sockets and ports meet nothing else; teardown calls net_ns_del. Workloads run in
# it with `ip netns exec "$NS" ...`.
net_ns() {
    command -v ip >/dev/null || skip "ip (iproute2) is not installed"
    NS=$1_$$_$BATS_TEST_NUMBER
    ip netns add "$NS" || fail "cannot create network namespace $NS"
    ip -n "$NS" link set lo up || fail "cannot set up lo in $NS"
}

net_ns_del() {
    if [ -n "${NS-}" ]; then ip netns del "$NS" 2>/dev/null || true; fi
    NS=
}

# bpf_links PID: how many BPF links PID holds (a tracer without a header, --json, is attached
# once it holds them).
bpf_links() {
    find /proc/"$1"/fd -lname anon_inode:bpf_link 2>/dev/null | wc -l
}

# has_bpf_links PID [N]: PID holds N BPF links (default: any), and no more came in the last
# 100 ms (a tool attaches its programs one by one: the first link is not "attached")
has_bpf_links() {
    local n
    n=$(bpf_links "$1")
    [ "$n" -ge "${2:-1}" ] || return 1
    sleep 0.1
    [ "$(bpf_links "$1")" -eq "$n" ]
}

# tracer_paused PID: PID has stopped itself (state T).
tracer_paused() {
    [ "$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null)" = T ]
}

# tracer_start TOOL ARGS...: runs bcctool TOOL ARGS in the background (PID in TRACER and BG,
# output in OUT, errors in ERR) and returns once it is attached: its first line of text, or,
# for --json, every program attached.
tracer_start() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$BATS_TEST_TMPDIR/trace.$TRACE_SEQ.out
    ERR=$BATS_TEST_TMPDIR/trace.$TRACE_SEQ.err
    echo "\$ bcctool $*"
    if [[ " $* " == *" --json "* ]]; then
        BCCTOOL_TEST_PAUSE=traced "$BCCTOOL" "$@" >"$OUT" 2>"$ERR" &
    else
        "$BCCTOOL" "$@" >"$OUT" 2>"$ERR" &
    fi
    TRACER=$!
    BG+=("$TRACER")
    if [[ " $* " == *" --json "* ]]; then
        # no header to wait for: the tracer stops itself once every program is attached
        # (BCCTOOL_TEST_PAUSE, lib/testhook.h) and goes on when continued; a command that does
        # not start through the kit's session never stops: then its links, once settled
        if wait_for "$TRACER" 1000 tracer_paused "$TRACER"; then
            kill -CONT "$TRACER"
        else
            wait_for "$TRACER" 2000 has_bpf_links "$TRACER" ||
                { cat "$ERR" >&2; fail "the tracer never attached"; }
            sleep 0.05
        fi
    else
        wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header from the tracer"; }
    fi
}

# retry_once WHY...: on a test's first try, has bats run the test once more if it fails, and
# says why in a TAP comment; for a failure with a known cause outside the tool (each caller
# says which). A second failure fails the test.
retry_once() {
    [ "${BATS_TEST_TRY_NUMBER:-1}" -eq 1 ] || return 0
    BATS_TEST_RETRIES=1
    echo "# $BATS_TEST_DESCRIPTION: $*; running it again" >&3
}

# tracer_stop: SIGINT to the tracer, which must exit 0 with nothing on stderr.
tracer_stop() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "the tracer exited $rc"
    [ ! -s "$ERR" ] || fail "the tracer wrote to stderr: $(cat "$ERR")"
}

# ns_workload VAR NAME ARGS...: as bg_workload, inside the network namespace $NS (ip netns exec
# runs the workload in its own process: the PID in VAR is the workload's).
ns_workload() {
    local var=$1 name=$2 w out pid
    shift 2
    w=$(workload "$name") || return 1
    out=$(mktemp "$BATS_TEST_TMPDIR/$name.XXXXXX")
    ip netns exec "$NS" "$w" -w "$@" >"$out" &
    pid=$!
    BG+=("$pid")
    printf -v "$var" %s "$pid"
    wait_for "$pid" 1000 grep -qx ready "$out" || fail "$name $* never got ready"
}

# lang_names_refuse: for each "NAME LANGUAGE PROBE" line on stdin (BCC's language names of a
# tool: pythoncalls...), NAME on a process without the runtime's probes refuses in one line that
# names its language's probe; --help names it; a bad option exits 2.
lang_names_refuse() {
    local name lang probe sp
    sleep 30 &
    sp=$!
    BG+=("$sp")
    while read -r name lang probe; do
        run_bct 1 "$name" "$sp"
        [ "${#lines[@]}" -eq 1 ] || fail "$name: $output"
        [[ "$output" == *"process $sp (/usr/bin/sleep) has no USDT probe $probe: its $lang runtime was built without USDT probes"* ]] ||
            fail "$name: $output"
        run_bct 0 "$name" --help
        [[ "$output" == *"Usage: $name"* ]] || fail "$name --help: $output"
        run_bct 2 "$name" --no-such-option "$sp"
    done
}

# lang_stat_alias NAME COMM OTHER: BCC's ustat name NAME (javastat...) runs ustat with its
# language: test/workloads/langprobes copied as COMM (the runtime's process name) and waiting
# gets a row; copied as OTHER (another runtime's) it does not; a bad option exits 2.
lang_stat_alias() {
    local name=$1 d=$BATS_TEST_TMPDIR p q
    mkdir -p "$d/a" "$d/b"
    cp "$(workload langprobes)" "$d/a/$2"
    cp "$(workload langprobes)" "$d/b/$3"
    "$d/a/$2" -w 0 0 >"$d/a.out" &
    p=$!
    "$d/b/$3" -w 0 0 >"$d/b.out" &
    q=$!
    BG+=("$p" "$q")
    wait_for "$p" 1000 grep -qx ready "$d/a.out"
    wait_for "$q" 1000 grep -qx ready "$d/b.out"
    run_bct 0 "$name" -C 1 1
    [[ "$output" == *"Tracing... Output every 1 secs. Hit Ctrl-C to end"* ]]
    [ "$(printf '%s\n' "${lines[@]}" | awk -v p="$p" '$1 == p' | wc -l)" -eq 1 ]
    [ "$(printf '%s\n' "${lines[@]}" | awk -v p="$q" '$1 == p' | wc -l)" -eq 0 ]
    run_bct 2 "$name" --no-such-option
}

# lines_ge PATTERN FILE N: FILE has at least N lines matching PATTERN (for wait_for: counted on
# each try)
lines_ge() {
    [ "$(grep -c -- "$1" "$2" 2>/dev/null)" -ge "$3" ]
}

# runq_links TOOL: the BPF links runqlat or runqslower holds once attached with the method
# `bcctool check` names: sched_info's one switch program, or the wake-up methods' three
runq_links() {
    case $("$BCCTOOL" check "$1" | awk -v t="$1" '$1 == t { print $2 }') in
    sched_info) echo 1 ;;
    *) echo 3 ;;
    esac
}

# db_run N MS TOOL ARGS...: the tracer (ARGS, where @ is the workload's PID, $WL) around
# dbprobes firing MySQL's query probes: N queries of MS ms each
db_run() {
    local n=$1 ms=$2 out=$BATS_TEST_TMPDIR/db.out
    shift 2
    rm -f "$out" # a second run must not see the first one's "ready"
    "$(workload dbprobes)" -w "$n" "$ms" >"$out" &
    WL=$!
    BG+=("$WL")
    wait_for "$WL" 1000 grep -qx ready "$out" || fail "dbprobes never got ready"
    tracer_start "${@/#@/$WL}"
    go_workload "$WL"
    tracer_stop
}

# in_cgroup PID...: moves the workloads (none: only makes it) into a new cgroup v2, $CG, which
# teardown removes (cgroup_del), so that a tracer given --cgroup "$CG" sees their events alone:
# a tracer of the whole machine also sees the events of the tests running beside it, and can
# lose events to them on a loaded machine. Skips when there is no cgroup v2 hierarchy.
in_cgroup() {
    local root p
    root=$(findmnt -n -t cgroup2 -o TARGET | head -1)
    [ -n "$root" ] || skip "no cgroup v2 hierarchy mounted"
    CG=$root/bct-$$-$BATS_TEST_NUMBER
    mkdir "$CG" || skip "cannot create a cgroup under $root"
    for p in "$@"; do echo "$p" >"$CG/cgroup.procs"; done
}

# cgroup_del: removes the test's cgroup $CG, if it made one (in_cgroup, or a file's own); for
# teardown.
cgroup_del() {
    if [ -n "${CG-}" ] && [ -d "$CG" ]; then rmdir "$CG" 2>/dev/null || true; fi
}
