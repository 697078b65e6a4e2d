#!/usr/bin/env bats
# bpflist: processes holding BPF programs, maps and links, and BCC-marked probes.
# No file_tags: the first tests need no root (a fake tracefs through BCCTOOL_TRACEFS); the
# tests that load BPF, write tracefs or unshare carry `test_tags=needs:bpf,needs:root`.
# The BPF holder is test/fixtures/bpflist/holder.{bpf.c,c}, built in setup_file: two maps, two
# tracepoint programs, one link each, so every count is known in advance.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
FX_SRC="$BATS_TEST_DIRNAME/../fixtures/bpflist"

setup_file() {
    export FX="$BATS_FILE_TMPDIR/fx"
    mkdir -p "$FX"
    [ "$(id -u)" -eq 0 ] || return 0
    # libbpf finds tracepoint IDs in tracefs; remember whether we had to mount it
    export BPL_MOUNTED_TRACEFS=0
    if [ "$(stat -f -c %T /sys/kernel/tracing 2>/dev/null)" != tracefs ] &&
        [ "$(stat -f -c %T /sys/kernel/debug/tracing 2>/dev/null)" != tracefs ]; then
        BPL_MOUNTED_TRACEFS=1
    fi
    TRACEFS=$(tracefs_dir) || true
    export TRACEFS
    clang-19 -O2 -g -target bpf -I"/usr/include/$(gcc -print-multiarch)" \
        -c "$FX_SRC/holder.bpf.c" -o "$FX/holder.bpf.o" 2>"$FX/build.log" &&
        gcc -O2 -o "$FX/bpl_holder" "$FX_SRC/holder.c" -lbpf 2>>"$FX/build.log" || true
}

teardown_file() {
    if [ "${BPL_MOUNTED_TRACEFS:-0}" = 1 ]; then umount /sys/kernel/tracing 2>/dev/null || true; fi
}

teardown() {
    local p
    for p in ${BPL_PIDS-}; do stop_pid "$p" 5; done
    if [ -n "${BPL_UPROBE-}" ] && [ -n "${TRACEFS-}" ] &&
        grep -q "$BPL_UPROBE " "$TRACEFS/uprobe_events" 2>/dev/null; then
        echo "-:uprobes/$BPL_UPROBE" >>"$TRACEFS/uprobe_events"
    fi
    if [ -n "${BPL_UNPRIV-}" ]; then rm -rf "$BPL_UNPRIV"; fi
}

require_holder() {
    require_bpf
    [ -x "$FX/bpl_holder" ] || fail "cannot build the BPF holder: $(cat "$FX/build.log")"
}

# start_holder [ARGS...]: starts the holder, waits until it has attached; sets HOLDER_PID.
start_holder() {
    local out="$BATS_TEST_TMPDIR/holder.$RANDOM.out" i
    "$FX/bpl_holder" "$FX/holder.bpf.o" "$@" >"$out" 2>&1 3>&- &
    HOLDER_PID=$!
    BPL_PIDS="${BPL_PIDS-} $HOLDER_PID"
    for i in $(seq 100); do
        grep -q '^ready$' "$out" && return 0
        kill -0 "$HOLDER_PID" 2>/dev/null || break
        sleep 0.1
    done
    fail "the BPF holder did not start: $(cat "$out")"
}

# fd_count PID TYPE: the holder's fds whose link reads anon_inode:bpf-TYPE (bpf_link for link).
fd_count() {
    local target=anon_inode:bpf-$2
    [ "$2" = link ] && target=anon_inode:bpf_link
    find "/proc/$1/fd" -mindepth 1 -exec readlink {} + | grep -cx "$target" || true
}

# fdinfo_ids PID TYPE: the ids fdinfo gives for the PID's fds of TYPE, sorted.
fdinfo_ids() {
    local fd target=anon_inode:bpf-$2
    [ "$2" = link ] && target=anon_inode:bpf_link
    for fd in /proc/"$1"/fd/*; do
        [ "$(readlink "$fd")" = "$target" ] || continue
        awk -v k="$2_id:" '$1 == k { print $2 }' "/proc/$1/fdinfo/${fd##*/}"
    done | sort -n
}

# A fake tracefs for the tests that need no root: sets t and BCCTOOL_TRACEFS.
fake_tracefs() {
    t="$BATS_TEST_TMPDIR/tracefs"
    mkdir -p "$t"
    export BCCTOOL_TRACEFS=$t
}

@test "bpflist takes no arguments: exit 2 with a usage hint" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 2 bpflist extra
    assert_output ""
    [[ "$stderr" == *"unrecognized arguments: extra"* ]] || fail "$stderr"
    [[ "$stderr" == *"Try \`bpflist --help'"* ]] || fail "$stderr"
}

@test "bpflist -h: BCC's description, -v and examples on stdout" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 bpflist -h
    assert_line "Display processes currently using BPF programs and maps"
    assert_line --regexp '^  -v, --verbosity +count and display kprobes/uprobes as well'
    assert_line "    bpflist -vv # display kprobes/uprobes and count them"
    [ -z "$stderr" ]
}

@test "bpflist --ebpf says there is no BPF program and exits 0" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 bpflist --ebpf
    assert_output "bpflist: this tool has no BPF program"
}

@test "bpflist -v counts probes by their _bcc_<pid> and libbpf_<pid>_ markers" {
    local t sleeper gone=4194999
    fake_tracefs
    sleep 60 3>&- &
    sleeper=$!
    BPL_PIDS=$sleeper
    cat >"$t/kprobe_events" <<EOF
p:kprobes/p_do_sys_open_bcc_$sleeper do_sys_open
r:kprobes/r_do_sys_open_bcc_$sleeper do_sys_open
p:kprobes/p_vfs_read_bcc_${sleeper}x vfs_read
p:kprobes/libbpf_${sleeper}_vfs_write_0x0_0 vfs_write
p:kprobes/unmarked vfs_read
EOF
    cat >"$t/uprobe_events" <<EOF
r:uprobes/r__bin_bash_0xa4dd0_bcc_$gone /bin/bash:0x00000000000a4dd0
EOF
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 bpflist -v
    [ -z "$stderr" ] || fail "stderr: $stderr"
    # kprobe/uprobe are the longest types: TYPE is 7 wide
    assert_line --index 0 "PID    COMM             TYPE    COUNT"
    assert_line "$(printf '%-6s %-16s %-7s %s' "$sleeper" sleep kprobe 3)"
    assert_line "$(printf '%-6s %-16s %-7s %s' "$gone" '[unknown]' uprobe 1)"
    # without -v, probes are not looked at
    run_bct 0 bpflist
    refute_line --regexp "^$sleeper "
}

@test "bpflist -vv prints every probe line verbatim before the table" {
    local t
    fake_tracefs
    printf 'p:kprobes/p_a_bcc_%s a\nr:kprobes/other b\n' "$$" >"$t/kprobe_events"
    : >"$t/uprobe_events"
    BCT_RUN_FLAGS="--separate-stderr --keep-empty-lines" run_bct 0 bpflist -vv
    assert_line --index 0 "open kprobes:"
    assert_line --index 1 "p:kprobes/p_a_bcc_$$ a"
    assert_line --index 2 "r:kprobes/other b"
    assert_line --index 3 ""
    assert_line --index 4 "open uprobes:"
    assert_line --index 5 ""
    assert_line --index 6 --regexp "^PID    COMM             TYPE +COUNT$"
    assert_line --regexp "^$$ +[^ ]+ +kprobe +1$"
}

@test "bpflist -v: a kernel without kprobe events is not an error" {
    local t
    fake_tracefs
    echo "p:uprobes/p_x_bcc_$$ /bin/true:0x0000000000001000" >"$t/uprobe_events"
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 bpflist -v
    [ -z "$stderr" ] || fail "stderr: $stderr"
    assert_line --regexp "^$$ +[^ ]+ +uprobe +1$"
}

@test "bpflist -v: a probe file that cannot be read is an error, and the table still prints" {
    local t
    fake_tracefs
    mkdir "$t/kprobe_events" # opens, but reading fails with EISDIR
    : >"$t/uprobe_events"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 bpflist -v
    assert_line --index 0 --regexp "^PID    COMM             TYPE +COUNT$"
    [ "$stderr" = "bpflist: cannot read '$t/kprobe_events': Is a directory" ] || fail "stderr: $stderr"
}

@test "bpflist --json with -vv: probe definitions then rows, all valid JSON" {
    local t
    fake_tracefs
    echo "p:kprobes/p_a_bcc_$$ a" >"$t/kprobe_events"
    : >"$t/uprobe_events"
    run_bct 0 bpflist -vv --json
    jq -e . <<<"$output" >/dev/null || fail "not JSON lines"
    assert_line --index 0 "{\"probe_type\":\"kprobe\",\"definition\":\"p:kprobes/p_a_bcc_$$ a\"}"
    run jq -c "select(.pid == $$) | [.type, .count]" <<<"$output"
    assert_output '["kprobe",1]'
}

# --- tier 1: real BPF objects ---------------------------------------------------------------

# bats test_tags=needs:bpf,needs:root
@test "bpflist counts a holder's programs, maps and links as fdinfo and bpftool do" {
    require_holder
    start_holder
    local type n id
    run_bct 0 bpflist
    assert_line --index 0 --regexp "^PID    COMM             TYPE +COUNT$"
    for type in prog map link; do
        n=$(fd_count "$HOLDER_PID" "$type")
        [ "$n" -eq 2 ] || fail "/proc/$HOLDER_PID/fd has $n $type fds, the holder makes 2"
        assert_line --regexp "^$HOLDER_PID +bpl_holder +$type +$n$"
        # bpftool knows every id the fds hold
        for id in $(fdinfo_ids "$HOLDER_PID" "$type"); do
            bpftool -j "$type" show id "$id" | jq -e ".id == $id" >/dev/null ||
                fail "bpftool does not show $type $id"
        done
    done
    # rows are in BCC's order: by PID, then by each type's first fd (maps, progs, links)
    run bash -c "grep '^$HOLDER_PID ' <<<\"\$1\" | awk '{print \$3}' | paste -sd' '" _ "$output"
    assert_output "map prog link"
}

# bats test_tags=needs:bpf,needs:root
@test "bpflist -vvv lists each object with the ids, types and names bpftool shows" {
    require_holder
    start_holder
    local type ids fdids id row
    run_bct 0 bpflist -vvv
    assert_line --regexp "^PID    COMM             TYPE +FD    ID      DETAILS$"
    for type in prog map link; do
        ids=$(awk -v p="$HOLDER_PID" -v t="$type" 'NF >= 6 && $1 == p && $3 == t && $5 ~ /^[0-9]+$/ { print $5 }' <<<"$output" | sort -n)
        fdids=$(fdinfo_ids "$HOLDER_PID" "$type")
        [ "$ids" = "$fdids" ] || fail "$type ids: bpflist '$ids', fdinfo '$fdids'"
        for id in $ids; do
            row=$(awk -v p="$HOLDER_PID" -v i="$id" -v t="$type" '$1 == p && $3 == t && $5 == i' <<<"$output")
            case $type in
            prog | map)
                bpftool -j "$type" show id "$id" >"$BATS_TEST_TMPDIR/bt.json"
                [[ "$row" == *" $(jq -r .type "$BATS_TEST_TMPDIR/bt.json")  name $(jq -r .name "$BATS_TEST_TMPDIR/bt.json")"* ]] ||
                    fail "row '$row' does not match bpftool $(cat "$BATS_TEST_TMPDIR/bt.json")"
                ;;
            link)
                bpftool -j link show id "$id" >"$BATS_TEST_TMPDIR/bt.json"
                [[ "$row" == *" $(jq -r .type "$BATS_TEST_TMPDIR/bt.json")  prog $(jq -r .prog_id "$BATS_TEST_TMPDIR/bt.json")  tracepoint sys_enter_getppid" ]] ||
                    [[ "$row" == *" $(jq -r .type "$BATS_TEST_TMPDIR/bt.json")  prog $(jq -r .prog_id "$BATS_TEST_TMPDIR/bt.json")  tracepoint sys_enter_getpid" ]] ||
                    fail "row '$row' does not match bpftool $(cat "$BATS_TEST_TMPDIR/bt.json")"
                ;;
            esac
        done
    done
    assert_line --regexp "^$HOLDER_PID +bpl_holder +map +[0-9]+ +[0-9]+ +hash  name bpl_calls  key 4B  value 8B  max_entries 64$"
    assert_line --regexp "^$HOLDER_PID +bpl_holder +prog +[0-9]+ +[0-9]+ +tracepoint  name bpl_getpid  tag [0-9a-f]{16}"
}

# bats test_tags=needs:bpf,needs:root
@test "bpflist --json rows parse with jq and match the text; -vvv objects too" {
    require_holder
    start_holder
    local text json
    run_bct 0 bpflist -vvv
    text=$(awk -v p="$HOLDER_PID" '$1 == p' <<<"$output")
    run_bct 0 bpflist -vvv --json
    jq -e . <<<"$output" >/dev/null || fail "not JSON lines"
    json=$(jq -r --argjson p "$HOLDER_PID" 'select(.pid == $p) |
        if has("count") then [.pid, .comm, .type, .count] else [.pid, .comm, .type, .fd, .id] end |
        map(tostring) | join(" ")' <<<"$output")
    # counts rows, then object rows (first five columns), in the same order
    [ "$(awk '{ if (NF == 4) print $1, $2, $3, $4; else print $1, $2, $3, $4, $5 }' <<<"$text")" = "$json" ] ||
        fail "text and JSON differ: text:
$text
json:
$json"
    run jq -c --argjson p "$HOLDER_PID" 'select(.pid == $p and .type == "link" and has("id")) |
        [.link_type, .attach.event_type, .attach.tp_name]' <<<"$output"
    assert_line '["perf_event","tracepoint","sys_enter_getpid"]'
    assert_line '["perf_event","tracepoint","sys_enter_getppid"]'
}

# bats test_tags=needs:bpf,needs:root
@test "bpflist with no BPF users prints just the header (new PID namespace)" {
    require_root
    command -v unshare >/dev/null || skip "no unshare"
    run unshare --pid --fork --mount-proc "$BCCTOOL" bpflist
    assert_success
    assert_output "PID    COMM             TYPE COUNT"
}

# bats test_tags=needs:bpf,needs:root
@test "bpflist output is exactly BCC's table for a holder in its own PID namespace" {
    require_holder
    run unshare --pid --fork --mount-proc bash -c '
        "$1/bpl_holder" "$1/holder.bpf.o" >"$2/ns.out" 2>&1 &
        for i in $(seq 100); do grep -qs "^ready$" "$2/ns.out" && break; sleep 0.1; done
        echo "holder $!"
        "$3" bpflist; rc=$?
        kill $!; wait
        exit $rc' _ "$FX" "$BATS_TEST_TMPDIR" "$BCCTOOL"
    assert_success
    local pid
    pid=$(awk '$1 == "holder" { print $2 }' <<<"$output")
    [ -n "$pid" ] || fail "no holder pid"
    assert_output "holder $pid
PID    COMM             TYPE  COUNT
$(printf '%-6s %-16s %-5s %s' "$pid" bpl_holder map 2)
$(printf '%-6s %-16s %-5s %s' "$pid" bpl_holder prog 2)
$(printf '%-6s %-16s %-5s %s' "$pid" bpl_holder link 2)"
}

# bats test_tags=needs:bpf,needs:root
@test "bpflist -v counts a uprobe named _bcc_<pid>, -vv prints it verbatim" {
    require_holder
    [ -n "${TRACEFS-}" ] && [ -w "$TRACEFS/uprobe_events" ] || skip "no uprobe_events"
    start_holder
    BPL_UPROBE="p__bin_true_0x1000_bcc_$HOLDER_PID"
    echo "p:uprobes/$BPL_UPROBE $(readlink -f /bin/true):0x1000" >>"$TRACEFS/uprobe_events"
    local line
    line=$(grep "$BPL_UPROBE " "$TRACEFS/uprobe_events")
    run_bct 0 bpflist -v
    assert_line --index 0 --regexp "^PID    COMM             TYPE +COUNT$"
    assert_line "$(printf '%-6s %-16s %-7s %s' "$HOLDER_PID" bpl_holder uprobe 1)"
    assert_line "$(printf '%-6s %-16s %-7s %s' "$HOLDER_PID" bpl_holder prog 2)"
    run_bct 0 bpflist -vv
    assert_line --index 0 "open kprobes:"
    assert_line "open uprobes:"
    assert_line "$line"
    # the uprobe row comes before the fd rows, as in BCC
    run bash -c "grep '^$HOLDER_PID ' <<<\"\$1\" | awk '{print \$3}' | paste -sd' '" _ "$output"
    assert_output "uprobe map prog link"
}

# bats test_tags=needs:bpf,needs:root
@test "bpflist works unprivileged for the caller's own processes" {
    require_holder
    command -v setpriv >/dev/null || skip "no setpriv"
    # a copy nobody can run wherever the build tree is
    BPL_UNPRIV=$(mktemp -d /tmp/bpflist-unpriv.XXXXXX)
    chmod 755 "$BPL_UNPRIV"
    cp "$BCCTOOL" "$BPL_UNPRIV/bcctool"
    start_holder --user 65534
    local mine=$HOLDER_PID
    start_holder # root's: must not be visible
    run -0 setpriv --reuid 65534 --regid 65534 --clear-groups "$BPL_UNPRIV/bcctool" bpflist -vvv
    echo "$output"
    assert_line --regexp "^$mine +bpl_holder +prog +2$"
    assert_line --regexp "^$mine +bpl_holder +map +2$"
    assert_line --regexp "^$mine +bpl_holder +link +2$"
    assert_line --regexp "^$mine +bpl_holder +prog +[0-9]+ +[0-9]+ +tracepoint  name bpl_getpid"
    refute_line --regexp "^$HOLDER_PID "
}

# bats test_tags=needs:bpf,needs:root
@test "bpflist: processes that exit during the scan give no errors" {
    require_holder
    local end=$((SECONDS + 4)) churn i
    (
        while [ $SECONDS -lt $end ]; do "$FX/bpl_holder" "$FX/holder.bpf.o" --exit >/dev/null 2>&1; done
    ) 3>&- &
    churn=$!
    BPL_PIDS=$churn
    for i in $(seq 15); do
        BCT_RUN_FLAGS=--separate-stderr run_bct 0 bpflist -vvv
        [ -z "$stderr" ] || fail "stderr: $stderr"
    done
    wait "$churn"
}

# bats test_tags=needs:bpf,needs:root
@test "bpflist counts a bpftrace one-liner's objects as fdinfo does" {
    require_bpf
    command -v bpftrace >/dev/null || skip "no bpftrace"
    local out="$BATS_TEST_TMPDIR/bpftrace.out" pid i type
    bpftrace -e 'tracepoint:syscalls:sys_enter_getpid { @ = count(); }' >"$out" 2>&1 3>&- &
    pid=$!
    BPL_PIDS=$pid
    for i in $(seq 100); do grep -q Attaching "$out" && break; sleep 0.1; done
    grep -q Attaching "$out" || fail "bpftrace did not start: $(cat "$out")"
    sleep 0.2
    run_bct 0 bpflist
    for type in prog map; do
        assert_line "$(printf '%-6s %-16s %-5s %s' "$pid" bpftrace "$type" "$(fd_count "$pid" "$type")")"
    done
    [ "$(fd_count "$pid" prog)" -ge 1 ] || fail "bpftrace holds no program"
}

# bats test_tags=needs:bpf,needs:root
@test "bpflist shows a running bcctool tool under its own name" {
    require_bpf
    local out="$BATS_TEST_TMPDIR/osnp.out" err="$BATS_TEST_TMPDIR/osnp.err" pid i rc=0
    "$BCCTOOL" opensnoop >"$out" 2>"$err" 3>&- &
    pid=$!
    BPL_PIDS=$pid
    # opensnoop prints its header once its programs are attached
    for i in $(seq 300); do
        [ -s "$out" ] && break
        kill -0 "$pid" 2>/dev/null || fail "opensnoop exited early: $(cat "$err")"
        sleep 0.1
    done
    [ -s "$out" ] || fail "opensnoop never printed its header: $(cat "$err")"
    run_bct 0 bpflist
    assert_line --regexp "^$pid +opensnoop +prog +[0-9]+$"
    kill -INT "$pid"
    wait "$pid" || rc=$?
    BPL_PIDS=
    [ "$rc" -eq 0 ] || fail "opensnoop exited $rc: $(cat "$err")"
    [ ! -s "$err" ] || fail "opensnoop wrote to stderr: $(cat "$err")"
}
