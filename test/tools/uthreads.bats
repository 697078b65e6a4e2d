#!/usr/bin/env bats
# uthreads: thread creation in one process. test/workloads/threader creates N threads with the
# start routine threader_marked_start_routine (pthread_create, a uprobe in libc); a JVM starts
# and stops N Java threads named rtmark-I (hotspot thread__start/thread__stop USDT probes).
# Only the traced PID is traced.
# bats file_tags=needs:bpf
load ../helpers

setup() {
    require_bpf
    BG=()
}

teardown() {
    bg_kill
}

# threads_run N ARGS...: threader -w -k -n N in the background ($WL), the tracer (ARGS, with
# $WL) started once it is ready; returns after the tracer printed N lines of it and stopped.
threads_run() {
    local n=$1 out=$BATS_TEST_TMPDIR/threader.out
    shift
    "$(workload threader)" -k -w -n "$n" >"$out" &
    WL=$!
    BG+=("$WL")
    wait_for "$WL" 1000 grep -qx ready "$out" || fail "threader never got ready"
    tracer_start "$@" "$WL"
    kill -USR1 "$WL"
    wait_for "$WL" 1000 seen_n "$n" || true
    tracer_stop
    kill -USR1 "$WL"
    wait "$WL"
}

seen_n() {
    [ "$(grep -c threader_marked_start_routine "$OUT")" -ge "$1" ]
}

@test "-l none: one pthread line per pthread_create(), BCC's header, columns and widths" {
    threads_run 4 uthreads -l none
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing thread events in process $WL (language: none)... Ctrl-C to quit." ]
    [ "$(sed -n 2p "$OUT")" = "TIME     ID               TYPE     DESCRIPTION                   " ]
    local line
    line=$(printf '%-16s %-8s %-30s' "$WL" pthread "threader_marked_start_routine [threader]")
    [ "$(grep -cE '^[0-9]+\.[0-9]{3} ' "$OUT")" -eq 4 ]
    [ "$(cut -c10- "$OUT" | grep -cxF -- "$line")" -eq 4 ]
    [ "$(wc -l <"$OUT")" -eq 6 ]
}

@test "no -l, --json: a process without Java probes is traced as none; JSON agrees" {
    threads_run 3 uthreads --json
    cat "$OUT"
    [ "$(jq -c 'select(.type == "pthread" and .description == "threader_marked_start_routine [threader]") | .id' "$OUT" | grep -cx "\"$WL\"")" -eq 3 ]
    [ "$(jq -r '.time | type' "$OUT" | sort -u)" = number ]
    [ "$(wc -l <"$OUT")" -eq 3 ]
}

@test "javathreads: Java threads started and stopped (hotspot thread__start/thread__stop)" {
    command -v javac >/dev/null || skip "no javac"
    local d=$BATS_TEST_TMPDIR
    cat >"$d/RtThr.java" <<'JAVA'
import java.io.File;
public class RtThr {
    public static void main(String[] a) throws Exception {
        File go = new File(a[0]);
        System.out.println("ready");
        while (!go.exists()) Thread.sleep(5);
        for (int i = 0; i < Integer.parseInt(a[1]); i++) {
            Thread t = new Thread(() -> {}, "rtmark-" + i);
            t.start();
            t.join();
        }
        System.out.println("done");
        Thread.sleep(60000);
    }
}
JAVA
    javac -d "$d" "$d/RtThr.java"
    java -cp "$d" RtThr "$d/go" 3 >"$d/java.out" &
    local p=$!
    BG+=("$p")
    wait_for "$p" 1000 grep -qx ready "$d/java.out"
    tracer_start javathreads "$p"
    touch "$d/go"
    wait_for "$p" 1000 grep -qx done "$d/java.out"
    tracer_stop
    cat "$OUT"
    [ "$(sed -n 1p "$OUT")" = "Tracing thread events in process $p (language: java)... Ctrl-C to quit." ]
    local i
    for i in 0 1 2; do
        [ "$(grep -cE "^[0-9]+\.[0-9]{3} +R=[0-9]+/N=[0-9]+ +start +rtmark-$i +$" "$OUT")" -eq 1 ]
        [ "$(grep -cE "^[0-9]+\.[0-9]{3} +R=[0-9]+/N=[0-9]+ +stop +rtmark-$i +$" "$OUT")" -eq 1 ]
    done
    # each start has its stop: the same ids
    [ "$(grep -E ' rtmark-' "$OUT" | awk '{print $2}' | sort | uniq -c | awk '$1 == 2' | wc -l)" -eq 3 ]
    # the JVM's own pthread_create() calls for them
    [ "$(grep -cE '^[0-9.]+ +[0-9]+ +pthread +[^ ].* \[libjvm\.so\] *$' "$OUT")" -ge 3 ]
}

@test "a process without Java probes, bad options" {
    sleep 5 &
    local p=$!
    BG+=("$p")
    run_bct 1 uthreads -l java "$p"
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"process $p (/usr/bin/sleep) has no USDT probe thread__start: its java runtime was built without USDT probes"* ]]
    run_bct 2 uthreads -l python "$p"
    run_bct 2 uthreads -l none
    run_bct 2 uthreads -l none x
    run_bct 2 javathreads "$p" 12
}
