#!/usr/bin/env bats
# ugc: garbage collections through a runtime's USDT probes. test/workloads/langprobes.c fires
# CPython's gc__start(2)/gc__done(17) G times, 2 ms apart; Debian's python3.11 and the JVM are
# traced for real (gc.collect() and System.gc() a known number of times; each process then
# waits, so its exit's own collections are not counted). Only the traced PID is counted.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

@test "-l python: one line per GC, BCC's header and formats; -F keeps matching lines" {
    local wpid
    bg_workload wpid langprobes 0 3
    tracer_start ugc -l python -F 'collected 17' "$wpid"
    go_workload "$wpid"
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing garbage collections in python process $wpid... Ctrl-C to quit." ]
    [ "$(sed -n 2p "$OUT")" = "START    TIME (us) DESCRIPTION" ]
    [ "$(grep -cE '^[0-9]+\.[0-9]{3} +[0-9]+\.[0-9]{2} +gen 2 GC collected 17 objects$' "$OUT")" -eq 3 ]
    # each GC lasts 2 ms
    [ "$(awk 'NR > 2 && $2 >= 2000' "$OUT" | wc -l)" -eq 3 ]
    [ "$(wc -l <"$OUT")" -eq 5 ]
}

@test "pythongc -m -M 1 --json: GCs over 1 ms in ms; -F without a match shows none" {
    local wpid
    bg_workload wpid langprobes 0 2
    tracer_start pythongc -m -M 1 --json "$wpid"
    go_workload "$wpid"
    tracer_stop
    cat "$OUT"
    [ "$(jq -r 'select(.description == "gen 2 GC collected 17 objects") | .time_ms >= 2' "$OUT" | grep -c true)" -eq 2 ]
    bg_workload wpid langprobes 0 2
    tracer_start ugc -l python -F 'gen 9' "$wpid"
    go_workload "$wpid"
    tracer_stop
    [ "$(wc -l <"$OUT")" -eq 2 ]
}

@test "python3.11: gc.collect() N times, the generation read from the stack (gen 2)" {
    [ -x /usr/bin/python3.11 ] || skip "no /usr/bin/python3.11"
    local py=$BATS_TEST_TMPDIR/gcn.py out=$BATS_TEST_TMPDIR/py.out
    cat >"$py" <<'PY'
import gc, signal
gc.disable()
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
print("ready", flush=True)
signal.sigwait({signal.SIGUSR1})
for i in range(4): gc.collect()
print("done", flush=True)
signal.sigwait({signal.SIGUSR1})
PY
    /usr/bin/python3.11 "$py" >"$out" &
    local p=$!
    BG+=("$p")
    wait_for "$p" 500 grep -qx ready "$out"
    tracer_start ugc -l python "$p"
    kill -USR1 "$p"
    wait_for "$p" 500 grep -qx done "$out"
    tracer_stop
    cat "$OUT"
    [ "$(grep -cE ' gen 2 GC collected [0-9]+ objects$' "$OUT")" -eq 4 ]
}

@test "javagc: System.gc() N times (hotspot gc__begin/gc__end and the memory pools)" {
    command -v javac >/dev/null || skip "no javac"
    local d=$BATS_TEST_TMPDIR
    cat >"$d/RtGc.java" <<'JAVA'
import java.io.File;
public class RtGc {
    public static void main(String[] a) throws Exception {
        File go = new File(a[0]);
        System.out.println("ready");
        while (!go.exists()) Thread.sleep(5);
        for (int i = 0; i < Integer.parseInt(a[1]); i++) System.gc();
        System.out.println("done");
        Thread.sleep(60000);
    }
}
JAVA
    javac -d "$d" "$d/RtGc.java"
    java -cp "$d" RtGc "$d/go" 3 >"$d/java.out" &
    local p=$!
    BG+=("$p")
    wait_for "$p" 1000 grep -qx ready "$d/java.out"
    tracer_start javagc "$p"
    touch "$d/go"
    wait_for "$p" 1000 grep -qx done "$d/java.out"
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing garbage collections in java process $p... Ctrl-C to quit." ]
    [ "$(grep -c ' no additional info available$' "$OUT")" -eq 3 ]
    grep -qE ' used=[0-9]+->[0-9]+ max=[0-9]+->[0-9]+$' "$OUT"
}

@test "a runtime without USDT probes, no language, bad options" {
    sleep 5 &
    local p=$!
    BG+=("$p")
    run_bct 1 ugc -l node "$p"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $p (/usr/bin/sleep) has no USDT probe gc__start: its node runtime was built without USDT probes"* ]]
    run_bct 1 ugc "$p"
    [[ "$output" == *'No language detected; use -l to trace a language.'* ]]
    run_bct 2 ugc -l perl "$p"
    run_bct 2 ugc -l python
    run_bct 2 ugc -l python -M x "$p"
}
