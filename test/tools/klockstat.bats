#!/usr/bin/env bats
# bats file_tags=needs:bpf
# klockstat with real contention: test/workloads/contender starts THREADS threads that each
# pwrite() 64 KiB ITERS times to one file of the test's own, so they wait for each other on
# the file's inode lock (i_rwsem) in the kernel. Each test traces only that process (-p), so
# other files' work cannot show; how many waits happen is up to the scheduler, so the tests
# check that they are reported, under the writing caller, with consistent numbers.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
THREADS=8
ITERS=1000

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
}

teardown() {
    bg_kill
}

# contend_traced ARGS...: a waiting contender, then "bcctool klockstat -p ITS_PID ARGS" until
# the contender has ended; the tracer must exit 0 with nothing on stderr.
contend_traced() {
    local w cp out
    w=$(workload contender)
    out=$T/contender.out
    "$w" -w -n "$THREADS" -i "$ITERS" "$T/file" >"$out" &
    cp=$!
    BG+=("$cp")
    wait_for "$cp" 1000 grep -qx ready "$out" || fail "contender never got ready"
    tracer_start klockstat -p "$cp" "$@"
    kill -USR1 "$cp"
    wait "$cp" || fail "contender failed"
    tracer_stop
    cat "$OUT"
}

# spin_rows: the rows of the first (Spin) table of $OUT
spin_rows() {
    awk '/ Avg Spin / { t = 1; next } / Avg Hold / { t = 0 } t && NF' "$OUT"
}

# contend_seen ARGS...: contend_traced until the tracer reports a wait under the file write's
# caller (with ANY_ROW=1: any wait), at most 3 times: how many waits happen is up to the
# scheduler, and a loaded machine that runs the writers one after another may give none in a
# run, or only a wait elsewhere (a loaded make check gave one under __schedule alone)
contend_seen() {
    local try caller='write_iter[+]0x'
    [ -z "${ANY_ROW-}" ] || caller=
    for try in 1 2 3; do
        contend_traced "$@"
        if [[ " $* " == *" --json "* ]]; then
            jq -e -s --arg re "$caller" 'any(.[]; .caller | test($re))' "$OUT" >/dev/null && return 0
        else
            spin_rows | awk -v re="$caller" 'NF == 5 && $1 ~ re { n++ } END { exit !n }' && return 0
        fi
        echo "no contention matching '$caller' reported (run $try)"
    done
}

@test "-p: waits on the inode lock under the writing caller, BCC's table" {
    contend_seen -s 4
    assert_equal "$(head -1 "$OUT")" "Tracing lock events... Hit Ctrl-C to end."
    assert_equal "$(grep -c '^                                  Caller   Avg Spin  Count   Max spin Total spin$' "$OUT")" 1
    assert_equal "$(grep -c '^                                  Caller   Avg Hold  Count   Max hold Total hold$' "$OUT")" 1
    # a row: caller avg count max total, in BCC's widths, avg = total / count, max <= total
    spin_rows | awk 'NF == 5' >"$T/rows"
    [ -s "$T/rows" ] || fail "no contention reported"
    # (each row against itself: one caller can head two rows, over different stacks)
    while IFS= read -r row; do
        read -r caller avg count max total <<<"$row"
        assert_equal "$(printf '%40s %10s %6s %10s %10s' "$caller" "$avg" "$count" "$max" "$total")" \
            "$row"
        [ "$count" -ge 1 ] && [ "$max" -le "$total" ] && [ "$avg" -eq $((total / count)) ]
    done <"$T/rows"
    # the file write's caller (ext4_buffered_write_iter, shmem_file_write_iter, ...), and -s 4:
    # two frames below it, vfs_write among them
    grep -qP '^ +\S*write_iter\+0x[0-9a-f]+ +\d+ +\d+ +\d+ +\d+$' "$T/rows"
    spin_rows | grep -A2 -P '^ +\S*write_iter\+0x[0-9a-f]+ ' | grep -qP '^ +vfs_write\+0x[0-9a-f]+$'
}

@test "-c CALLER keeps callers starting with it; -n 1 one row" {
    contend_traced -c no_such_caller_
    assert_equal "$(spin_rows | wc -l)" 0
    ANY_ROW=1 contend_seen -n 1
    assert_equal "$(spin_rows | wc -l)" 1
}

@test "-d DURATION: one report, then exit 0" {
    run_bct klockstat -d 1
    assert_equal "${lines[0]}" "Tracing lock events... Hit Ctrl-C to end."
    assert_equal "$(echo "$output" | grep -c 'Avg Spin')" 1
}

@test "--json: one object per caller, agreeing with the numbers" {
    contend_seen --json
    jq -e . "$OUT" >/dev/null
    [ -s "$OUT" ] || fail "no contention reported"
    jq -e -s 'all(.[]; .count >= 1 and .avg_spin == ((.total_spin / .count) | floor) and .max_spin <= .total_spin)' "$OUT"
    jq -e -s 'any(.[]; (.caller | test("write_iter\\+0x")) and (.stack | index("vfs_write") == null) and (.stack | map(startswith("vfs_write+")) | any))' "$OUT"
}

@test "bad options: exit 2 with BCC's words; a wrong -S: BCC's message and 255" {
    run_bct 2 klockstat -d 1 -i 1
    [[ "$output" == *"argument -i/--interval: not allowed with argument -d/--duration"* ]]
    run_bct 2 klockstat -n x
    run_bct 2 klockstat --stack-storage-size 0
    run_bct 2 klockstat --bogus
    run_bct 255 klockstat -S nosuch
    assert_equal "$output" "Wrong sort argument: %s nosuch"
}
