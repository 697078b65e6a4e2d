#!/usr/bin/env bats
# A tool stopped at any stage leaves nothing behind: no BPF program, map or link it held, no
# uprobe/kprobe event of its own in tracefs, no compiler child, no temporary file in the cache.
# Stages (reached deterministically with BCCTOOL_TEST_PAUSE, lib/testhook.h: the process stops
# itself there and is sent SIGCONT after the signal): compile (a cache miss: the compiler child
# stops), load (object loaded, nothing attached), attach (first link attached), tracing (every
# link attached). Ways: SIGINT, SIGTERM, SIGKILL, and its stdout pipe closed by the reader.
# Every tool is stopped while tracing by a closed pipe (its own code must notice and clean up);
# the other (stage, way) pairs, SIGKILL while tracing among them, rotate over the tools, so
# that each pair is covered by several tools. The compile stage is one code path for every
# tool (the compiler child) and each case costs a full compile: it rotates over the first
# COMPILE_TOOLS tools only.
# After SIGKILL nothing of the tool's code runs: what is tested is what the kernel guarantees
# (its BPF objects live only by the tool's fds and go with them; libbpf attaches uprobes through
# the perf PMU, not tracefs events) and that the compiler dies with its parent
# (PR_SET_PDEATHSIG); a temporary file the killed compiler may leave is named after its PID and
# swept by the next cache miss once old (test/080-stop.bats).
# bats file_tags=needs:bpf
bats_require_minimum_version 1.8.0
load helpers

# tool_args TOOL: a harmless argument for a tool that needs one (as its needs' default_args).
tool_args() {
    case $1 in
        biolatpcts) echo loop0 ;;
        dirtop) echo "-d /tmp" ;;
        ttysnoop) echo /dev/console ;;
        netqtop) echo "-n lo" ;;
        deadlock) echo $$ ;; # a live process with libc: this shell
        funccount) echo "t:sched:sched_process_exit" ;;
        # a language runtime's or a database's USDT probes, in the workloads setup() starts
        ucalls | uflow | ugc) echo "-l python $LANG_PID" ;;
        uobjnew) echo "-l c $LANG_PID" ;;
        uthreads) echo "-l none $LANG_PID" ;;
        ustat) echo "-l python" ;;
        dbslower | dbstat) echo "mysql -p $DB_PID" ;;
        mysqld_qslower) echo "$DB_PID" ;;
    esac
}

setup_file() {
    require_bpf
    # the usual cache (objects of the tools' default runs, kernel headers): shared with other
    # runs, so only this test's own temporary files are looked for there
    export WARM=${BCCTOOL_CACHE_DIR:-/var/cache/bcctool}
    # BCT_STALE_TOOLS="opensnoop biolatency": only those (to try a change quickly)
    if [ -n "${BCT_STALE_TOOLS-}" ]; then
        printf '%s\n' $BCT_STALE_TOOLS >"$BATS_FILE_TMPDIR/tools"
    else
        "$BCCTOOL" check --json |
            jq -r 'select(.variant == "" and .available == true and .bpf == true and
                .alias == false) | .tool' \
                >"$BATS_FILE_TMPDIR/tools"
    fi
    # the kernel headers: a compile-stage case copies them and misses only its object
    BCCTOOL_CACHE_DIR=$WARM "$BCCTOOL" __compile "$BATS_TEST_DIRNAME/fixtures/bpf/count_getpid.bpf.c" \
        >/dev/null
}

setup() {
    require_bpf
    BG=()
    TRACEFS=$(tracefs_dir)
    # targets for the tools that trace one process's USDT probes (they wait, firing nothing);
    # ustat finds its processes by command name: the runtime workload runs as "python3"
    local lp=$BATS_FILE_TMPDIR/python3
    [ -x "$lp" ] || cp "$(workload langprobes)" "$lp"
    "$lp" -w 1 0 >"$BATS_TEST_TMPDIR/lp.out" &
    LANG_PID=$!
    BG+=("$LANG_PID")
    wait_for "$LANG_PID" 1000 grep -qx ready "$BATS_TEST_TMPDIR/lp.out" || fail "langprobes never got ready"
    bg_workload DB_PID dbprobes 1 1
    export LANG_PID DB_PID
}

teardown() {
    bg_kill
}

# state PID: its one-letter state (R, S, T, Z...), or nothing once gone.
state() {
    sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null
}

stopped() { [ "$(state "$1")" = T ]; }

# compiler_stopped PID: a child of PID is stopped (BCCTOOL_TEST_PAUSE=compile); prints it.
compiler_stopped() {
    local c
    for c in $(pgrep -P "$1"); do
        stopped "$c" && { echo "$c"; return 0; }
    done
    return 1
}

# bpf_ids PID: "prog N", "map N", "link N" for every BPF object PID holds by fd.
bpf_ids() {
    grep -hE '^(prog|map|link)_id:' /proc/"$1"/fdinfo/* 2>/dev/null |
        sed -E 's/^(prog|map|link)_id:[[:space:]]*/\1 /' | sort -u
}

# alive_ids IDS...: those of the given "kind id" lines the kernel still has.
alive_ids() {
    local kind
    for kind in prog map link; do
        bpftool -j "$kind" show 2>/dev/null | jq -r --arg k "$kind" '.[] | "\($k) \(.id)"'
    done | sort | comm -12 - <(printf '%s\n' "$@" | sort)
}

# one_case SEQ TOOL STAGE WAY: runs TOOL, stops it at STAGE by WAY, checks what remains.
# Returns 0 (also for a tool that cannot run here: it says so), or fails.
one_case() {
    local seq=$1 tool=$2 stage=$3 way=$4 cache=$WARM pid child="" fifo fd rc=0 i reader=""
    local -a args ids children pause=()
    read -ra args <<<"$(tool_args "$tool")"
    local err=$BATS_TEST_TMPDIR/err.$seq
    if [ "$stage" = compile ]; then
        cache=$BATS_TEST_TMPDIR/cache.$seq
        mkdir -p "$cache"
        cp -a "$WARM/kernels" "$cache/"
    fi
    [ "$stage" = tracing ] || pause=(BCCTOOL_TEST_PAUSE="$stage")
    fifo=$BATS_TEST_TMPDIR/fifo.$seq
    mkfifo "$fifo"
    # the reader's end, held here (read-write: opening it does not wait for the writer)
    exec {fd}<>"$fifo"
    env BCCTOOL_CACHE_DIR="$cache" "${pause[@]}" "$BCCTOOL" "$tool" "${args[@]}" \
        </dev/null >"$fifo" 2>"$err" {fd}<&- &
    pid=$!
    echo "$pid" >"$BATS_TEST_TMPDIR/pid.$seq"
    # a reader that keeps up, except for the closed-pipe way (which reads nothing, then closes):
    # what is under test is the stop, not a reader that stalls (a tool blocked writing to a
    # full pipe nobody reads waits for it, as any program does)
    if [ "$way" != pipe ]; then
        cat <&"$fd" >/dev/null &
        reader=$!
    fi
    case $stage in
        compile) wait_for "$pid" 3000 compiler_stopped "$pid" && child=$(compiler_stopped "$pid") ;;
        load | attach) wait_for "$pid" 3000 stopped "$pid" ;;
        tracing) wait_for "$pid" 3000 has_bpf_links "$pid" ;;
    esac || {
        exec {fd}<&-
        # a tool that runs on without reaching the stage (waiting for its targets) is ended
        for ((i = 0; i < 300; i++)); do
            [ -n "$(state "$pid")" ] && [ "$(state "$pid")" != Z ] || break
            [ "$i" -ne 100 ] || kill -INT "$pid" 2>/dev/null
            sleep 0.01
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        # the reader holds the fifo open both ways: it never sees an end by itself
        [ -z "$reader" ] || { kill "$reader"; wait "$reader" 2>/dev/null || true; }
        if grep -q 'nothing to trace\|cannot run here\|not in this kernel' "$err"; then
            echo "$tool: skipped: $(head -1 "$err")"
            return 0
        fi
        fail "$tool $stage $way: never reached $stage: $(cat "$err")"
    }
    mapfile -t ids < <(bpf_ids "$pid")
    mapfile -t children < <(pgrep -P "$pid")
    case $way in
        INT | TERM | KILL) kill -"$way" "$pid" 2>/dev/null || true ;; # it may have ended itself
        pipe) exec {fd}<&- ;;
    esac
    # what was stopped goes on, as it would have without the pause
    [ -z "$child" ] || kill -CONT "$child" 2>/dev/null || true
    kill -CONT "$pid" 2>/dev/null || true
    if [ "$way" = pipe ]; then
        # a tool that has nothing more to write notices the closed pipe at its Ctrl-C
        for ((i = 0; i < 100; i++)); do
            [ -n "$(state "$pid")" ] && [ "$(state "$pid")" != Z ] || break
            sleep 0.01
        done
        # (it may end just before this Ctrl-C: that is no failure)
        [ "$i" -lt 100 ] || kill -INT "$pid" 2>/dev/null || true
    fi
    for ((i = 0; i < 1000; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        [ "$(state "$pid")" = Z ] && break
        sleep 0.01
    done
    if [ "$i" -ge 1000 ]; then
        local wchan
        wchan=$(cat /proc/"$pid"/wchan 2>/dev/null)
        kill -KILL "$pid"
        fail "$tool $stage $way: still running 10 s after the stop (waiting in ${wchan:-?})"
    fi
    wait "$pid" 2>/dev/null || rc=$?
    [ -z "$reader" ] || { kill "$reader"; wait "$reader" 2>/dev/null || true; }
    [ "$way" = pipe ] || exec {fd}<&-
    # the kernel frees BPF objects shortly after their last fd closes (RCU, work queues)
    local left=""
    if [ "${#ids[@]}" -gt 0 ]; then
        for ((i = 0; i < 100; i++)); do
            left=$(alive_ids "${ids[@]}")
            [ -z "$left" ] && break
            sleep 0.02
        done
    fi
    [ -z "$left" ] || fail "$tool $stage $way: BPF objects left: $(echo $left)"
    for c in "${children[@]}" $child; do
        wait_for - 200 bash -c '! kill -0 "$1" 2>/dev/null' _ "$c" ||
            fail "$tool $stage $way: child $c outlived the tool"
    done
    # uprobe/kprobe events of this process (libbpf's legacy names carry the PID)
    local f
    for f in uprobe_events kprobe_events; do
        [ -r "$TRACEFS/$f" ] || continue
        ! grep -E "[_:]${pid}[_ ]" "$TRACEFS/$f" ||
            fail "$tool $stage $way: $f entries of PID $pid remain"
    done
    local tmps mine
    tmps=$(find "$cache" -name '*.tmp' 2>/dev/null)
    if [ "$stage" != compile ]; then
        # the shared cache: only ours (".NAME.PID.tmp", clang's ".NAME.PID-XXXXXXXX.tmp.tmp")
        mine=$(printf '%s\n' "$pid" "${children[@]}" | sed '/^$/d; s/.*/\\.&[.-]/')
        tmps=$(grep -f <(echo "$mine") <<<"$tmps" || true)
    fi
    if [ "$way" = KILL ] && [ -n "$child" ]; then
        # the killed compiler's own, swept by a later miss
        tmps=$(grep -v "\.$child[.-]" <<<"$tmps" || true)
    fi
    [ -z "$tmps" ] || fail "$tool $stage $way: temporary files left: $tmps"
    [ "$stage" != compile ] || rm -rf "$cache"
    echo "$tool $stage $way: rc=$rc, ${#ids[@]} BPF objects released"
}

# run_cases "TOOL STAGE WAY"...: the cases, STALE_JOBS (10) at a time (each mostly waits for
# the kernel); fails with the log of every case that failed.
run_cases() {
    local d=$BATS_TEST_TMPDIR n=0 c failed=0 p
    local -a running=()
    for c in "$@"; do
        n=$((n + 1))
        # shellcheck disable=SC2086
        (set -e; one_case "$n" $c; echo ok >"$d/ok.$n") >"$d/log.$n" 2>&1 &
        running+=("$!")
        # the cases only (setup's workloads run on): at most STALE_JOBS at a time
        while [ "${#running[@]}" -ge "${STALE_JOBS:-10}" ]; do
            wait -n "${running[@]}" || true
            for p in "${!running[@]}"; do
                kill -0 "${running[p]}" 2>/dev/null || unset 'running[p]'
            done
            running=("${running[@]}")
        done
    done
    [ "${#running[@]}" -eq 0 ] || wait "${running[@]}" || true
    for ((c = 1; c <= n; c++)); do
        [ -f "$d/ok.$c" ] || {
            failed=1
            cat "$d/log.$c"
            # a case that failed may have left its tool running
            p=$(cat "$d/pid.$c" 2>/dev/null) && kill -KILL "$p" 2>/dev/null || true
        }
    done
    grep -h 'skipped:' "$d"/log.* || true
    [ "$failed" -eq 0 ] || fail "some cases failed (above)"
}

@test "every tool whose output pipe closes while tracing leaves nothing behind" {
    local -a cases
    mapfile -t cases < <(sed 's/$/ tracing pipe/' "$BATS_FILE_TMPDIR/tools")
    run_cases "${cases[@]}"
}

@test "tools stopped at compile, load, attach and tracing by each way leave nothing behind" {
    local -a pairs=(load:TERM attach:KILL tracing:INT load:KILL tracing:KILL attach:pipe
        tracing:TERM load:pipe attach:INT load:INT attach:TERM) compile=(INT TERM KILL pipe)
    local -a cases=()
    local t n=0 p
    while read -r t; do
        p=${pairs[n % ${#pairs[@]}]}
        cases+=("$t ${p%%:*} ${p#*:}")
        [ "$n" -ge "${COMPILE_TOOLS:-8}" ] || cases+=("$t compile ${compile[n % ${#compile[@]}]}")
        n=$((n + 1))
    done <"$BATS_FILE_TMPDIR/tools"
    run_cases "${cases[@]}"
}
