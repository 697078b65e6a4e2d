#!/usr/bin/env bats
# bats file_tags=needs:bpf
# sofdsnoop with real fd passing: test/workloads/fdpasser passes the fd of a uniquely named
# file N times over a socketpair (sendmsg with SCM_RIGHTS) to a child that takes each with
# recvmsg; both run under a marked command name, and each test counts that name's lines.
# Tracers run in the background; teardown kills what a test left.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=25

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=sofd$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
    FILE=$T/passed.$MARK
    bg_workload PASSER fdpasser -n "$N" -N "$MARK" -o "$T/ids" "$FILE"
    read -r SENDER RECEIVER FD SOCK_S SOCK_R <"$T/ids"
    INO_S=$(stat -L -c %i "/proc/$SENDER/fd/$SOCK_S")
    INO_R=$(stat -L -c %i "/proc/$RECEIVER/fd/$SOCK_R")
}

teardown() {
    bg_kill
}

# start_snoop ARGS...: "bcctool sofdsnoop ARGS" in the background, output in $OUT and $ERR;
# returns once attached: its header is out, or (--json) it holds its 3 links.
start_snoop() {
    local i links
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/snoop.$SEQ.out
    ERR=$T/snoop.$SEQ.err
    echo "\$ bcctool sofdsnoop $*"
    "$BCCTOOL" sofdsnoop "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    for ((i = 0; i < 3000; i++)); do
        if [[ " $* " == *" --json "* ]]; then
            links=$(ls -l "/proc/$TRACER/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge 3 ] && return 0
        elif [ -s "$OUT" ]; then
            return 0
        fi
        kill -0 "$TRACER" 2>/dev/null || { cat "$ERR" >&2; fail "sofdsnoop $* exited early"; }
        sleep 0.01
    done
    fail "sofdsnoop $* never got ready"
}

# stop_snoop: SIGINT after the tracer's next drain; it must exit 0 with nothing on stderr.
stop_snoop() {
    local rc=0
    sleep 0.1
    kill -INT "$TRACER"
    wait "$TRACER" || rc=$?
    echo "--- sofdsnoop (exit $rc):"
    grep -F -e "$MARK" -e ACTION "$OUT" || true
    echo "--- stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "sofdsnoop exited $rc"
    [ ! -s "$ERR" ] || fail "sofdsnoop wrote to stderr"
}

# marked [FILE]: the lines of the marked command
marked() {
    awk -v c="$MARK" '$3 == c || $4 == c' "${1:-$OUT}"
}

@test "N passed fds: N SEND lines naming the file and N RECV lines, in BCC's columns" {
    start_snoop
    go_workload "$PASSER"
    stop_snoop
    printf -v want '%-6s %-6s %-16s %-25s %-5s %s' ACTION TID COMM SOCKET FD NAME
    assert_equal "$(head -1 "$OUT")" "$want"
    printf -v send '%-6s %-6s %-16s %-25s %-5s %s' SEND "$SENDER" "$MARK" "$SOCK_S:socket:[$INO_S]" "$FD" "$FILE"
    assert_equal "$(grep -cxF -- "$send" "$OUT")" "$N"
    # the receiver's new fd: the lowest free one, as the child closes each (BCC: no name)
    local pre
    printf -v pre '%-6s %-6s %-16s %-25s ' RECV "$RECEIVER" "$MARK" "$SOCK_R:socket:[$INO_R]"
    assert_equal "$(awk -v p="$pre" 'index($0, p) == 1 && substr($0, length(p) + 1) ~ /^[0-9]+ +$/ && length($0) == length(p) + 6' "$OUT" | wc -l)" "$N"
    assert_equal "$(marked | wc -l)" $((2 * N))
}

@test "-T: a TIME(s) column from 0, in seconds with 9 decimals" {
    start_snoop -T
    go_workload "$PASSER"
    stop_snoop
    printf -v want '%-14s%-6s %-6s %-16s %-25s %-5s %s' 'TIME(s)' ACTION TID COMM SOCKET FD NAME
    assert_equal "$(head -1 "$OUT")" "$want"
    assert_equal "$(marked | grep -cE '^[0-9]+\.[0-9]{9} +(SEND|RECV) ')" $((2 * N))
    assert_equal "$(sed -n 2p "$OUT" | awk '{ print $1 }')" 0.000000000
}

@test "-p: only the sender's SEND lines" {
    start_snoop -p "$SENDER"
    go_workload "$PASSER"
    stop_snoop
    assert_equal "$(marked | awk -v p="$SENDER" '$1 == "SEND" && $2 == p' | wc -l)" "$N"
    assert_equal "$(tail -n +2 "$OUT" | awk -v p="$SENDER" '$2 != p' | wc -l)" 0
}

@test "-t: only the receiver's RECV lines" {
    start_snoop -t "$RECEIVER"
    go_workload "$PASSER"
    stop_snoop
    assert_equal "$(marked | awk -v p="$RECEIVER" '$1 == "RECV" && $2 == p' | wc -l)" "$N"
    assert_equal "$(tail -n +2 "$OUT" | awk -v p="$RECEIVER" '$2 != p' | wc -l)" 0
}

@test "-n: only commands containing the name" {
    start_snoop -n "${MARK:2:8}"
    go_workload "$PASSER"
    stop_snoop
    assert_equal "$(marked | wc -l)" $((2 * N))
    assert_equal "$(tail -n +2 "$OUT" | awk -v c="$MARK" '$3 != c' | wc -l)" 0
}

@test "--json: one object per fd, agreeing with the text" {
    start_snoop --json
    go_workload "$PASSER"
    stop_snoop
    run jq -c 'select(type != "object")' "$OUT"
    assert_output ""
    jq -c --arg c "$MARK" 'select(.comm == $c)' "$OUT" >"$T/ours"
    assert_equal "$(jq -c --arg f "$FILE" --argjson p "$SENDER" --argjson fd "$FD" --arg s "$SOCK_S:socket:[$INO_S]" 'select(.action == "SEND" and .tid == $p and .pid == $p and .fd == $fd and .socket == $s and .name == $f)' "$T/ours" | wc -l)" "$N"
    assert_equal "$(jq -c --argjson p "$RECEIVER" --arg s "$SOCK_R:socket:[$INO_R]" 'select(.action == "RECV" and .tid == $p and .socket == $s and .name == "" and (.fd | type) == "number")' "$T/ours" | wc -l)" "$N"
    run jq -r 'keys_unsorted | join(",")' "$T/ours"
    assert_equal "$(printf '%s\n' "$output" | sort -u)" "action,tid,pid,comm,socket,fd,name"
}

@test "-d: stops by itself; usage errors exit 2" {
    run_bct sofdsnoop -d 1
    assert_line --index 0 --regexp '^ACTION TID +COMM'
    run_bct 2 sofdsnoop -p x
    run_bct 2 sofdsnoop extra
    run_bct 2 sofdsnoop --bogus
}
