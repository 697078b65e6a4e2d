#!/usr/bin/env bats
# uobjnew: allocations of one process per type. test/workloads/leaker malloc()s N blocks of a
# marked size (cobjnew: one row "block size SIZE" with N allocations and N*SIZE bytes); a JVM
# run with -XX:+ExtendedDTraceProbes allocates N objects of a marked class (object__alloc).
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

# leak_run N SIZE ARGS...: the tracer (ARGS, where @ is leaker's PID) around leaker -n N -s SIZE.
leak_run() {
    local n=$1 size=$2 out=$BATS_TEST_TMPDIR/leaker.out
    shift 2
    "$(workload leaker)" -w -n "$n" -s "$size" >"$out" &
    WL=$!
    BG+=("$WL")
    wait_for "$WL" 1000 grep -qx ready "$out" || fail "leaker never got ready"
    tracer_start "${@/#@/$WL}"
    kill -USR1 "$WL"
    wait_for "$WL" 1000 grep -qx done "$out" || fail "leaker never finished"
    [ -z "${TABLES-}" ] || wait_for "$TRACER" 500 tables "$TABLES" || fail "too few tables"
    tracer_stop
}

tables() {
    [ "$(grep -c '^NAME/TYPE ' "$OUT")" -ge "$1" ]
}

@test "-l c: one row per malloc() size, BCC's header and widths, sorted by bytes" {
    leak_run 7 4321 uobjnew -l c @
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing allocations in process $WL (language: c)... Ctrl-C to quit." ]
    [ "$(sed -n 2p "$OUT")" = "" ]
    [ "$(sed -n 3p "$OUT")" = "NAME/TYPE                      # ALLOCS      # BYTES" ]
    [ "$(grep -cxF "$(printf '%-30s %8d %12d' 'block size 4321' 7 30247)" "$OUT")" -eq 1 ]
    # ascending by bytes
    [ "$(tail -n +4 "$OUT" | awk '{print $NF}' | sort -nc && echo sorted)" = sorted ]
}

@test "cobjnew -S 1 --json: the largest size only; -C 1 the most frequent; interval prints" {
    leak_run 9 98765 cobjnew -S 1 --json @
    cat "$OUT"
    [ "$(wc -l <"$OUT")" -eq 1 ]
    [ "$(jq -c . "$OUT")" = '{"name":"block size 98765","allocs":9,"bytes":888885}' ]
    leak_run 5 33 cobjnew -C 1 @
    cat "$OUT"
    [ "$(tail -n +4 "$OUT" | wc -l)" -eq 1 ]
    # with an interval: a table each second, cleared between them
    TABLES=2 leak_run 3 4444 uobjnew -l c @ 1
    cat "$OUT"
    [ "$(grep -c '^NAME/TYPE ' "$OUT")" -ge 3 ]
    [ "$(grep -c '^block size 4444 ' "$OUT")" -eq 1 ]
}

@test "javaobjnew: N objects of a marked class (hotspot object__alloc)" {
    command -v javac >/dev/null || skip "no javac"
    local d=$BATS_TEST_TMPDIR
    cat >"$d/RtObj.java" <<'JAVA'
import java.io.File;
public class RtObj {
    static class RtObjMark { long a, b; }
    static Object[] keep = new Object[1000];
    public static void main(String[] a) throws Exception {
        File go = new File(a[0]);
        System.out.println("ready");
        while (!go.exists()) Thread.sleep(5);
        int n = Integer.parseInt(a[1]);
        for (int i = 0; i < n; i++) keep[i] = new RtObjMark();
        System.out.println("done");
        Thread.sleep(60000);
    }
}
JAVA
    javac -d "$d" "$d/RtObj.java"
    java -XX:+ExtendedDTraceProbes -cp "$d" RtObj "$d/go" 6 >"$d/java.out" &
    local p=$!
    BG+=("$p")
    wait_for "$p" 1000 grep -qx ready "$d/java.out"
    tracer_start javaobjnew "$p"
    touch "$d/go"
    wait_for "$p" 1000 grep -qx done "$d/java.out"
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing allocations in process $p (language: java)... Ctrl-C to quit." ]
    [ "$(awk '$1 == "RtObj$RtObjMark" {print $2}' "$OUT")" = 6 ]
}

@test "a runtime without USDT probes, no language, bad options" {
    sleep 5 &
    local p=$!
    BG+=("$p")
    run_bct 1 uobjnew -l ruby "$p"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $p (/usr/bin/sleep) has no USDT probe object__create: its ruby runtime was built without USDT probes"* ]]
    run_bct 1 tclobjnew "$p"
    [[ "$output" == *"has no USDT probe obj__create: its tcl runtime"* ]]
    run_bct 1 uobjnew "$p"
    [[ "$output" == *'No language detected; use -l to trace a language.'* ]]
    run_bct 2 uobjnew -l python "$p"
    run_bct 2 uobjnew -l c
    run_bct 2 uobjnew -l c -C x "$p"
    run_bct 2 uobjnew -l c "$p" 1 2
}
