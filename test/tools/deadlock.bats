#!/usr/bin/env bats
# bats file_tags=needs:bpf
# deadlock on test/workloads/lockorder: two threads, one after the other, take the workload's
# two mutexes, in opposite orders ("inverse": a potential deadlock that never happens) or in
# the same order ("ordered": none). The workload prints its mutexes' addresses and runs under
# a marked command name; the tracer follows only its PID.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    BG=()
    MARK=dl$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
}

teardown() {
    bg_kill
}

# start_lockorder MODE: the workload, waiting; WL its PID, M1 and M2 its mutexes as the tool
# prints them (0x%016x)
start_lockorder() {
    local out
    bg_workload WL lockorder -k -N "$MARK" "$1"
    out=$(ls -t "$BATS_TEST_TMPDIR"/lockorder.* | head -1)
    M1=$(printf '0x%016x' "$(awk '$1 == "m1" { print $2 }' "$out")")
    M2=$(printf '0x%016x' "$(awk '$1 == "m2" { print $2 }' "$out")")
    WL_OUT=$out
}

# run_lockorder: lets the workload take its mutexes; returns once it has (it then waits)
run_lockorder() {
    kill -USR1 "$WL"
    wait_for "$WL" 500 grep -qx done "$WL_OUT" || fail "lockorder did not finish"
}

# wait_tracer_exit RC: the tracer ends by itself (it found a cycle) with exit status RC
wait_tracer_exit() {
    local rc=0
    wait_for - 500 bash -c "! kill -0 $TRACER" || fail "the tracer did not stop"
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    [ "$rc" -eq "$1" ] || fail "the tracer exited $rc, not $1"
    [ ! -s "$ERR" ] || fail "the tracer wrote to stderr: $(cat "$ERR")"
}

@test "opposite orders: the cycle of both mutexes, each edge's stacks and thread, exit 1" {
    start_lockorder inverse
    tracer_start deadlock "$WL"
    assert_equal "$(head -1 "$OUT")" "Tracing... Hit Ctrl-C to end."
    run_lockorder
    wait_tracer_exit 1
    cat "$OUT"
    local a="Mutex M0 ($M1)" b="Mutex M1 ($M2)"
    assert_equal "$(grep -c '^Potential Deadlock Detected!$' "$OUT")" 1
    assert_equal "$(grep -c "^Cycle in lock order graph: $a => $b => $a\$" "$OUT")" 1
    # the two edges, each in its own thread of the workload
    run grep -E "^Mutex M[01] \(0x[0-9a-f]{16}\) acquired here while holding Mutex M[01] \(0x[0-9a-f]{16}\) in Thread [0-9]+ \($MARK\):\$" "$OUT"
    assert_equal "${#lines[@]}" 2
    assert_equal "$(grep -c "^$b acquired here while holding $a in Thread " "$OUT")" 1
    assert_equal "$(grep -c "^$a acquired here while holding $b in Thread " "$OUT")" 1
    local t12 t21
    t12=$(sed -n "s/^$b acquired here while holding $a in Thread \([0-9]*\) .*/\1/p" "$OUT")
    t21=$(sed -n "s/^$a acquired here while holding $b in Thread \([0-9]*\) .*/\1/p" "$OUT")
    [ "$t12" != "$t21" ]
    assert_equal "$(grep -c "^$a previously acquired by the same Thread $t12 ($MARK) here:\$" "$OUT")" 1
    assert_equal "$(grep -c "^$b previously acquired by the same Thread $t21 ($MARK) here:\$" "$OUT")" 1
    # each stack: the lock function, then the function that took the mutex
    run grep -A2 -E "acquired (here while|by the same)" "$OUT"
    echo "$output"
    assert_equal "$(grep -cE '^@ [0-9a-f]{16} pthread_mutex_lock$' "$OUT")" 4
    assert_equal "$(grep -A2 "^$b acquired here" "$OUT" | sed -n 3p | awk '{ print $3 }')" lockorder_take_12
    assert_equal "$(grep -A2 "^$a previously" "$OUT" | sed -n 3p | awk '{ print $3 }')" lockorder_take_12
    assert_equal "$(grep -A2 "^$a acquired here" "$OUT" | sed -n 3p | awk '{ print $3 }')" lockorder_take_21
    assert_equal "$(grep -A2 "^$b previously" "$OUT" | sed -n 3p | awk '{ print $3 }')" lockorder_take_21
    # both threads were made by the workload's main thread
    assert_equal "$(grep -c "^Thread $t12 created by Thread $WL ($MARK) here: \$" "$OUT")" 1
    assert_equal "$(grep -c "^Thread $t21 created by Thread $WL ($MARK) here: \$" "$OUT")" 1
}

@test "one order: the edge is seen (--verbose), no deadlock reported, Ctrl-C exits 0" {
    start_lockorder ordered
    tracer_start deadlock --verbose --dump-graph "$BATS_TEST_TMPDIR/graph.json" "$WL"
    run_lockorder
    wait_for "$TRACER" 500 grep -qx "Mutexes: 2, Edges: 1" "$OUT" || fail "the edge never showed"
    sleep 1.1 # one more look at the graph
    tracer_stop
    cat "$OUT"
    assert_equal "$(head -2 "$OUT")" "Tracing... Hit Ctrl-C to end.
Mutexes: 0, Edges: 0"
    run grep -c Deadlock "$OUT"
    assert_output 0
    # --dump-graph: BCC's node-link JSON, one link m1 => m2 by a thread of the workload
    local g=$BATS_TEST_TMPDIR/graph.json
    jq -e . "$g" >/dev/null
    assert_equal "$(jq -c '[.directed, .multigraph, .graph, (.links | length), (.nodes | length)]' "$g")" '[true,false,{},1,2]'
    assert_equal "$(jq -r '.links[0].thread_comm' "$g")" "$MARK"
    assert_equal "$(jq -r '.nodes[.links[0].source].id' "$g")" "$((M1))"
    assert_equal "$(jq -r '.nodes[.links[0].target].id' "$g")" "$((M2))"
    assert_equal "$(head -3 "$g")" '{
  "directed": true,
  "multigraph": false,'
}

@test "--json: the cycle as one object that agrees with the text" {
    start_lockorder inverse
    tracer_start deadlock --json "$WL"
    run_lockorder
    wait_tracer_exit 1
    cat "$OUT"
    assert_equal "$(wc -l <"$OUT")" 1
    assert_equal "$(jq -c --argjson p "$WL" '[.pid == $p, [.cycle[].mutex]]' "$OUT")" "[true,[$((M1)),$((M2))]]"
    assert_equal "$(jq -r '.edges[] | "\(.mutex1) \(.mutex2) \(.comm) \(.mutex2_stack[1].sym) \(.mutex1_stack[1].sym)"' "$OUT")" \
        "$((M1)) $((M2)) $MARK lockorder_take_12 lockorder_take_12
$((M2)) $((M1)) $MARK lockorder_take_21 lockorder_take_21"
    assert_equal "$(jq -c --argjson p "$WL" '[.threads[].parent_tid == $p] | unique' "$OUT")" "[true]"
    assert_equal "$(jq -c '[.threads[].tid] | sort' "$OUT")" "$(jq -c '[.edges[].tid] | sort' "$OUT")"
}

@test "bad arguments: usage errors exit 2; a PID that is not running exits 1" {
    run_bct 2 deadlock
    assert_output --partial "the following arguments are required: pid"
    run_bct 2 deadlock abc
    assert_output --partial "argument pid: invalid int value: 'abc'"
    run_bct 2 deadlock -t x 1
    run_bct 2 deadlock --bogus 1
    run_bct 1 deadlock 999999999
    assert_output --partial "Is the process (pid=999999999) running?"
}
