#!/usr/bin/env bats
# bats file_tags=needs:bpf
# biopattern against real I/O on a loop device of the test's own: NS sequential O_DIRECT 4 KiB
# writes (one dd: each starts where the last ended), then NR writes each far from the last
# (one dd each). The first completion of an interval has nothing to follow, so it is not
# classified: NS - 1 sequential, NR random, (NS - 1 + NR) * 4 KiB.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
NS=9  # sequential writes (the first is not classified)
NR=5  # random writes
RANDOM_SEEKS="700 100 900 300 500" # in 4 KiB blocks; none follows the previous write

setup() {
    T=$BATS_TEST_TMPDIR
    BG=()
    LOOP=
}

teardown() {
    bg_kill
    loop_dev_detach
}

make_loop() {
    require_bpf
    loop_dev
}

# do_io: the writes described above, each dd checked to complete unmerged
do_io() {
    local s
    direct_io 0 "$NS"
    for s in $RANDOM_SEEKS; do
        dd if=/dev/zero of="$LOOP" bs=4k count=1 seek="$s" oflag=direct status=none
    done
}

# attached PID: whether PID holds a BPF link of a biopat_* program (a link alone is not
# enough: the engine's probe of the kernel attaches a tiny program for a moment)
attached() {
    local fd id
    for fd in /proc/"$1"/fd/*; do
        [ "$(readlink "$fd" 2>/dev/null)" = anon_inode:bpf_link ] || continue
        id=$(awk '$1 == "prog_id:" { print $2 }' "/proc/$1/fdinfo/${fd##*/}" 2>/dev/null)
        [ -n "$id" ] || continue
        bpftool -j prog show id "$id" 2>/dev/null | jq -e '.name | startswith("biopat_")' \
            >/dev/null && return 0
    done
    return 1
}

# start_pat ARGS...: "bcctool biopattern ARGS" in the background ($OUT $ERR $PID); returns once
# it is attached: its header, or (JSON has none) once its program is attached
start_pat() {
    local i
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/pat.$SEQ.out
    ERR=$T/pat.$SEQ.err
    echo "\$ bcctool biopattern $*"
    "$BCCTOOL" biopattern "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    BG+=("$PID")
    for ((i = 0; i < 3000; i++)); do
        if grep -q '^TIME ' "$OUT" 2>/dev/null || attached "$PID"; then
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$ERR" >&2; fail "biopattern $* exited early"; }
        sleep 0.01
    done
    fail "biopattern $* never got ready"
}

stop_pat() {
    local rc=0
    kill -INT "$PID"
    wait "$PID" || rc=$?
    echo "--- biopattern (exit $rc):"
    cat "$OUT"
    echo "--- stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "biopattern exited $rc"
}

# the expected row's fields after TIME: disk %RND %SEQ COUNT KBYTES
expected() {
    local n=$((NS - 1 + NR)) r
    r=$(python3 -c "print(int(round($NR * 100 / $n)))")
    echo "$DISK $r $((100 - r)) $n $((n * 4))"
}

@test "-d DISK: exact random and sequential counts, BCC's header and widths" {
    make_loop
    start_pat -d "$DISK"
    do_io
    stop_pat
    [ -z "$(cat "$ERR")" ] || fail "stderr: $(cat "$ERR")"
    assert_equal "$(head -1 "$OUT")" "TIME      DISK     %RND  %SEQ    COUNT     KBYTES"
    assert_equal "$(wc -l <"$OUT")" 2
    local row
    row=$(sed -n 2p "$OUT")
    [[ $row =~ ^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\ \ [^\ ] ]] || fail "bad time: $row"
    assert_equal "$(cut -c 11- <<<"$row" | awk '{ print $1, $2, $3, $4, $5 }')" "$(expected)"
    assert_equal "$(cut -c 11- <<<"$row")" \
        "$(python3 -c "import sys; a = sys.argv[1].split(); print('%-7s %5d %5d %8d %10d' % (a[0], *map(int, a[1:])))" "$(expected)")"
}

@test "without -d our disk's row is there, with the same numbers" {
    make_loop
    start_pat
    do_io
    stop_pat
    assert_equal "$(awk -v d="$DISK" '$2 == d { print $2, $3, $4, $5, $6 }' "$OUT")" "$(expected)"
}

@test "-d another disk: our I/O is not counted" {
    make_loop
    local other
    other=$(awk 'NR > 2 && $4 != "'"$DISK"'" { print $4; exit }' /proc/partitions)
    [ -n "$other" ] || skip "no other block device"
    start_pat -d "$other"
    do_io
    stop_pat
    run grep -c " $DISK " "$OUT"
    assert_output 0
}

@test "interval 1 count 1: prints once, then exits by itself" {
    make_loop
    run_bct biopattern -d "$DISK" 1 1
    assert_equal "${lines[0]}" "TIME      DISK     %RND  %SEQ    COUNT     KBYTES"
    assert_equal "${#lines[@]}" 1
}

@test "--json: one object per disk per interval, agreeing with the text" {
    make_loop
    start_pat --json -d "$DISK"
    do_io
    stop_pat
    assert_equal "$(wc -l <"$OUT")" 1
    local n=$((NS - 1 + NR))
    assert_equal "$(jq -c '[.disk, .rnd + .seq, .count, .kbytes, .random, .sequential]' "$OUT")" \
        "[\"$DISK\",100,$n,$((n * 4)),$NR,$((NS - 1))]"
    assert_equal "$(jq -r '"\(.disk) \(.rnd) \(.seq) \(.count) \(.kbytes)"' "$OUT")" "$(expected)"
    jq -e '.ts | test("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")' "$OUT"
}

# method_run METHOD DISABLE: the same counts with the given attach method forced
method_run() {
    BCCTOOL_DISABLE_ATTACH=$2 BCCTOOL_LOG=debug start_pat -d "$DISK"
    do_io
    stop_pat
    grep -q "attaching with $1" "$ERR" || fail "not attached with $1: $(cat "$ERR")"
    if grep -q 'missed' "$ERR"; then
        skip "completions were missed (busy machine): counts cannot be compared"
    fi
    assert_equal "$(awk -v d="$DISK" '$2 == d { print $2, $3, $4, $5, $6 }' "$OUT")" "$(expected)"
}

@test "the raw_tp method counts the same" {
    make_loop
    method_run raw_tp tp_btf
}

@test "the tracepoint method (BCC's) counts the same" {
    make_loop
    method_run tracepoint tp_btf,raw_tp
}

@test "-d with a disk that does not exist: BCC's message, exit 1" {
    run_bct 1 biopattern -d nosuchdisk0
    assert_output "no such disk 'nosuchdisk0'"
}
