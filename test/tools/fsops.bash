# Shared by the tests of fsdist, fsslower and their per-fs names (ext4dist, xfsslower...):
# a file system of the test's own on a loop device, the fsops workload (test/workloads/fsops.c:
# NOPEN opens, NWRITE writes of 1000 bytes, NFSYNC fsyncs, NREAD reads of 500 bytes of one
# marked file), and a tracer started in the background and stopped with SIGINT.
# shellcheck shell=bash

NOPEN=3
NWRITE=7
NFSYNC=2
NREAD=5

fs_setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    LOOP=
    MNT=
    MARK=fsops_${BATS_TEST_NUMBER}_$$
}

fs_teardown() {
    bg_kill
    if [ -n "${MNT-}" ] && mountpoint -q "$MNT"; then umount "$MNT" || echo "cannot unmount $MNT" >&2; fi
    loop_dev_detach
}

# fs_mount FS: a fresh FS (ext4, xfs, btrfs) on a loop device of the test's own, mounted at
# $MNT. Skips only when the kernel lacks FS or its mkfs is not installed (make deps installs
# e2fsprogs, xfsprogs and btrfs-progs).
fs_mount() {
    local fs=$1 size=64 mkfs_opts=(-q)
    grep -qw "$fs" /proc/filesystems || skip "the kernel has no $fs file system"
    command -v "mkfs.$fs" >/dev/null || skip "mkfs.$fs is not installed (make deps)"
    case $fs in
        ext4) mkfs_opts+=(-F) ;;
        xfs) size=320 mkfs_opts+=(-f) ;; # xfsprogs 6 refuses less than 300 MB
        btrfs) size=128 mkfs_opts+=(-f) ;;
    esac
    truncate -s "${size}M" "$T/fs.img"
    LOOP=$(losetup -f --show "$T/fs.img") || fail "cannot set up a loop device"
    "mkfs.$fs" "${mkfs_opts[@]}" "$LOOP" >/dev/null || fail "mkfs.$fs $LOOP failed"
    MNT=$T/mnt
    mkdir -p "$MNT"
    mount -t "$fs" "$LOOP" "$MNT" || fail "cannot mount $LOOP ($fs) on $MNT"
}

# start_fs TOOL ARGS...: "bcctool TOOL ARGS" in the background, output in $OUT and $ERR, PID
# in $TRACER; returns once it is attached: its first line (banner or CSV header), or under
# --json once it holds LINKS bpf links (ext4: 14 syscall programs and 2 fsync tracepoints;
# other file systems: 18 syscall programs).
start_fs() {
    local tool=$1 i links
    shift
    SEQ=$((${SEQ:-0} + 1))
    OUT=$T/trace.$SEQ.out
    ERR=$T/trace.$SEQ.err
    echo "\$ bcctool $tool $*"
    "$BCCTOOL" "$tool" "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    for ((i = 0; i < 3000; i++)); do
        if [[ " $* " == *" --json "* ]]; then
            links=$(ls -l "/proc/$TRACER/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true)
            [ "$links" -ge "${LINKS:-16}" ] && return 0
        elif [ -s "$OUT" ]; then
            return 0
        fi
        kill -0 "$TRACER" 2>/dev/null || { cat "$ERR" >&2; fail "$tool $* exited early"; }
        sleep 0.01
    done
    fail "$tool $* never got ready"
}

# stop_fs: SIGINT after the tracer's next drain; it must exit 0 with nothing on stderr.
stop_fs() {
    local rc=0
    sleep 0.1
    kill -INT "$TRACER"
    wait "$TRACER" || rc=$?
    echo "--- tracer (exit $rc):"
    cat "$OUT"
    echo "--- stderr: $(cat "$ERR")"
    [ "$rc" -eq 0 ] || fail "tracer exited $rc"
    [ ! -s "$ERR" ] || fail "tracer wrote to stderr: $(cat "$ERR")"
}

# run_workload TOOL ARGS...: the fsops workload on $MNT/$MARK, traced by TOOL ARGS -p PID
run_workload() {
    local wl
    bg_workload wl fsops "$MNT/$MARK" "$NOPEN" "$NWRITE" "$NFSYNC" "$NREAD"
    start_fs "$@" -p "$wl"
    go_workload "$wl"
    stop_fs
}

# hist_totals FILE: "operation total" per section of the text histograms, sorted
hist_totals() {
    awk '/^operation = / { op = $3 } / -> .*: / { sum[op] += $5 }
         END { for (o in sum) print o, sum[o] }' "$1" | sort
}

expected_totals() {
    printf 'fsync %s\nopen %s\nread %s\nwrite %s\n' "$NFSYNC" "$NOPEN" "$NREAD" "$NWRITE"
}

# check_dist TOOL ARGS...: with -p, the histograms' totals are exactly the workload's calls
check_dist() {
    run_workload "$@"
    assert_equal "$(hist_totals "$OUT")" "$(expected_totals)"
}

# check_dist_json TOOL ARGS...: the same with --json, one object per operation
check_dist_json() {
    run_workload "$@" --json
    run jq -e -c 'type == "object" and .val_type == "usecs"' "$OUT"
    [ "$status" -eq 0 ] || fail "not JSON histograms: $output"
    assert_equal "$(jq -r '"\(.operation) \([.data[].count] | add)"' "$OUT" | sort)" "$(expected_totals)"
}

# slower_expected: "T BYTES OFF_KB" per operation of the workload, in order
slower_expected() {
    local i
    for ((i = 0; i < NOPEN; i++)); do echo "O 0 0"; done
    for ((i = 0; i < NWRITE; i++)); do echo "W 1000 $((i * 1000 / 1024))"; done
    for ((i = 0; i < NFSYNC; i++)); do echo "S 0 0"; done
    for ((i = 0; i < NREAD; i++)); do echo "R 500 $((i * 500 / 1024))"; done
}

# check_slower TOOL ARGS...: with min_ms 0 and -p, one line per operation of the workload,
# in order, with BCC's columns; COMM and PID columns as wide as WCOMM and WPID
check_slower() {
    run_workload "$@"
    local hdr
    hdr=$(printf "%-8s %-${WCOMM:-14}s %-${WPID:-6}s %1s %-7s %-8s %7s %s" TIME COMM PID T BYTES OFF_KB 'LAT(ms)' FILENAME)
    assert_equal "$(sed -n 2p "$OUT")" "$hdr"
    assert_equal "$(awk -v m="$MARK" '$NF == m { print $4, $5, $6 }' "$OUT")" "$(slower_expected)"
    assert_equal "$(tail -n +3 "$OUT" | wc -l)" $((NOPEN + NWRITE + NFSYNC + NREAD))
    run grep -cE "^[0-9]{2}:[0-9]{2}:[0-9]{2} fsops +[0-9]+ +[RWOS] [0-9]+ +[0-9]+ +[0-9]+\.[0-9]{2} $MARK\$" "$OUT"
    assert_output $((NOPEN + NWRITE + NFSYNC + NREAD))
}

# check_slower_csv TOOL ARGS...: the CSV option: its header, then one line per operation
check_slower_csv() {
    run_workload "$@"
    assert_equal "$(head -1 "$OUT")" "${CSV_HEADER:-ENDTIME_us,TASK,PID,TYPE,BYTES,OFFSET_b,LATENCY_us,FILE}"
    assert_equal "$(awk -F, -v m="$MARK" '$8 == m && $2 == "fsops" { print $4, $5, int($6 / 1024) }' "$OUT")" \
        "$(slower_expected)"
    assert_equal "$(awk -F, 'NR > 1 && NF != 8' "$OUT" | wc -l)" 0
    # writes at 0, 1000, 2000...
    assert_equal "$(awk -F, '$4 == "W" { printf "%s ", $6 }' "$OUT")" "0 1000 2000 3000 4000 5000 6000 "
}

# check_slower_json TOOL ARGS...: --json, one object per operation, agreeing with the text
check_slower_json() {
    run_workload "$@" --json
    assert_equal "$(jq -r --arg m "$MARK" 'select(.file == $m and .comm == "fsops") |
        "\(.type) \(.bytes) \(.offset / 1024 | floor)"' "$OUT")" "$(slower_expected)"
    run jq -e 'has("time") and has("pid") and (.lat_us | type) == "number"' "$OUT"
    [ "$status" -eq 0 ] || fail "missing keys: $output"
}

# check_not_registered TOOL: the file system is not in this kernel: one line, exit 1
check_not_registered() {
    local tool=$1 fs=$2
    ! grep -qw "$fs" /proc/filesystems || skip "this kernel has $fs: the refusal cannot be tested"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 "$tool"
    assert_equal "$output" ""
    assert_equal "$stderr" "$tool: file system type '$fs' is not in this kernel (/proc/filesystems): nothing to trace"
}
