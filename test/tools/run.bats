#!/usr/bin/env bats
# bats file_tags=needs:bpf
# bcctool run: BCC-dialect programs (test/fixtures/run/*.c) with real, marked events: getpid()
# calls of a marked syscaller counted in a hash keyed by command and in a histogram, execs of a
# marked program as perf events and bpf_trace_printk() lines, a uprobe and a uretprobe given by
# -a on usdtdemo's demo_work(), its USDT probe by -a; kernel pointers the rewriter follows by
# type; then the rewriter's output, BCC tool idioms through the verifier and misuse errors.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=50
FX="$BATS_TEST_DIRNAME/../fixtures/run"

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    MARK=brun$$_$BATS_TEST_NUMBER
    MARK=${MARK:0:15}
}

teardown() {
    bg_kill
    [ -z "${PIN_DIR-}" ] || rm -rf "$PIN_DIR"
}

# run_start ARGS...: "bcctool run ARGS" in the background; returns once its links are in
# (a program that only fills maps prints nothing before it exits).
run_start() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool run $*"
    "$BCCTOOL" run "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 6000 has_bpf_links "$TRACER" || { cat "$ERR" >&2; fail "run never attached"; }
}

@test "run: TRACEPOINT_PROBE counts marked getpid() calls into a hash and a histogram (-D)" {
    bg_workload W syscaller -n "$N" -N "$MARK" getpid
    run_start -D TGT="$W" "$FX/count.c"
    go_workload "$W"
    tracer_stop
    cat "$OUT"
    # the hash, key and value printed with the key struct's field name, sorted by value
    [ "$(grep -c "^{comm=$MARK} = $N\$" "$OUT")" -eq 1 ]
    grep -qx 'calls:' "$OUT"
    # the histogram in BCC's log2 format: all N in the 32 -> 63 slot
    grep -qx 'dist:' "$OUT"
    grep -Eq '^ +value +: count +distribution$' "$OUT"
    grep -Eq "^ +32 -> 63 +: $N +\|\*{40}\|\$" "$OUT"
    [ "$(grep -Ec '^ +[0-9]+ -> [0-9]+ +: [1-9]' "$OUT")" -eq 1 ]
}

@test "run --json: the same maps as NDJSON" {
    bg_workload W syscaller -n "$N" -N "$MARK" getpid
    run_start --json -D TGT="$W" "$FX/count.c"
    go_workload "$W"
    tracer_stop
    jq -c . "$OUT" >/dev/null
    [ "$(jq -c "select(.map == \"calls\" and .key.comm == \"$MARK\") | .value" "$OUT")" = "$N" ]
    [ "$(jq -c 'select(.map == "dist") | .hist[] | select(.count > 0)' "$OUT")" = \
        "{\"interval-start\":32,\"interval-end\":63,\"count\":$N}" ]
}

@test "run: BPF_TABLE_PINNED is shared at its path: a second run counts on from the first's" {
    local pin run
    PIN_DIR=/sys/fs/bpf/bcctool_test_$$_$BATS_TEST_NUMBER
    pin=$PIN_DIR/dir/calls
    cat >"$T/pinned.c" <<EOF
BPF_TABLE_PINNED("hash", u32, u64, pcalls, 16, "$pin");
TRACEPOINT_PROBE(syscalls, sys_enter_getpid)
{
	u32 key = 0;

	if (bpf_get_current_pid_tgid() >> 32 == TGT)
		pcalls.increment(key);
	return 0;
}
EOF
    for run in 1 2; do
        bg_workload W syscaller -n "$N" getpid
        run_start -D TGT="$W" "$T/pinned.c"
        go_workload "$W"
        tracer_stop
        cat "$OUT"
        [ "$(grep -cx "0 = $((run * N))" "$OUT")" -eq 1 ]
    done
    # BCC's pinned tables outlive the program: the map is still there, with both runs' counts
    bpftool -j map dump pinned "$pin" | jq -e ".[0].formatted.value == $((2 * N))"
}

@test "run: perf events with the struct's fields as columns, bpf_trace_printk lines" {
    cp /bin/true "$T/$MARK"
    bg_workload W syscaller -n 5 exec "$T/$MARK"
    run_start "$FX/exec.c"
    go_workload "$W"
    tracer_stop
    head -1 "$OUT" | grep -Eq '^pid +comm +file$'
    [ "$(grep -Ec "^[0-9]+ +$MARK +$T/$MARK\$" "$OUT")" -eq 5 ]
    # printk reaches run's own output, in trace_pipe's format
    [ "$(grep -Ec "^ *$MARK-[0-9]+ +\[[0-9]{3}\] \S+ +[0-9]+\.[0-9]{6}: bpf_trace_printk: exec $MARK pid [0-9]+\$" "$OUT")" -eq 5 ]
    # each printk's pid is the event's
    pids_ev=$(grep -E "^[0-9]+ +$MARK " "$OUT" | awk '{print $1}' | sort | tr '\n' ' ')
    pids_pk=$(grep "bpf_trace_printk: exec $MARK " "$OUT" | awk '{print $NF}' | sort | tr '\n' ' ')
    [ "$pids_ev" = "$pids_pk" ]
}

@test "run: implicit dereferences (RAW_TRACEPOINT_PROBE task->real_parent->tgid) read with probe reads" {
    cp /bin/true "$T/$MARK"
    bg_workload W syscaller -n 4 exec "$T/$MARK"
    run_start "$FX/deref.c"
    go_workload "$W"
    tracer_stop
    head -1 "$OUT" | grep -Eq '^pid +ppid +comm$'
    # each exec of the marked program: its own PID, the syscaller as its parent
    [ "$(grep -Ec "^[0-9]+ +$W +$MARK\$" "$OUT")" -eq 4 ]
    [ "$(grep -E " +$W +$MARK\$" "$OUT" | awk '{print $1}' | sort -u | wc -l)" -eq 4 ]
    grep -E " +$W +$MARK\$" "$OUT" | awk -v w="$W" '$1 == w { exit 1 }'
    run_bct run --ebpf "$FX/deref.c"
    [[ "$output" == *'e.ppid = BCT_PR(BCT_PR(task->real_parent)->tgid);'* ]]
}

@test "run: kernel pointers followed by type (static function, map values, *(&p->f), vmlinux.h's struct)" {
    cp /bin/true "$T/$MARK"
    bg_workload W syscaller -n 4 exec "$T/$MARK"
    run_start "$FX/kptr.c"
    go_workload "$W"
    tracer_stop
    head -1 "$OUT" | grep -Eq '^pid +ppid +pid2 +pid3 +mntns +pcomm$'
    mnt=$(stat -L -c %i "/proc/$$/ns/mnt")
    pcomm=$(cat "/proc/$W/comm" 2>/dev/null || echo syscaller)
    # each exec by the marked syscaller: the same PID three ways, its parent, mount ns, comm
    awk -v w="$W" '$2 == w' "$OUT" >"$T/mine"
    cat "$T/mine"
    [ "$(wc -l <"$T/mine")" -eq 4 ]
    [ "$(awk -v m="$mnt" -v c="$pcomm" '$1 == $3 && $1 == $4 && $5 == m && $6 == c' "$T/mine" | wc -l)" -eq 4 ]
    [ "$(awk '{print $1}' "$T/mine" | sort -u | wc -l)" -eq 4 ]
    run_bct run --ebpf "$FX/kptr.c"
    [[ "$output" == *'return BCT_PR(BCT_PR(t->real_parent)->tgid);'* ]]
    [[ "$output" == *'e.pid2 = BCT_PR(vp->task->tgid);'* ]]
    [[ "$output" == *'t2 = BCT_PR(*tp);'* ]]
    [[ "$output" == *'e.pid = BCT_PRD((&task->tgid));'* ]]
    [[ "$output" == *"struct mnt_namespace /* the kernel's, from vmlinux.h */;"* ]]
}

@test "run --load-only: BCC tool idioms (KFUNC_PROBE here, *ppos, ((u8 *)p)[i], literal copies, array members)" {
    # KFUNC_PROBE: fentry, or a kprobe where fentry cannot load (this kernel: EPERM)
    run_bct run --load-only -e 'BPF_ARRAY(n, u64, 1); KFUNC_PROBE(vfs_read, struct file *file) { u32 k = 0; if (file->f_inode->i_ino) n.atomic_increment(k); return 0; }'
    run_bct run --ebpf -e 'KFUNC_PROBE(vfs_read) { return 0; }'
    if [[ "$output" == *'#define BCT_NO_FENTRY'* ]]; then
        [[ "$output" == *'(EPERM): KFUNC_PROBE is a kprobe'* || "$output" == *': KFUNC_PROBE is a kprobe'* ]]
        [[ "$output" == *'SEC("kprobe/" #f)'* || "$output" == *'KFUNC_PROBE(vfs_read)'* ]]
    fi
    # a pointer parameter read through, a cast pointer indexed, a fixed-size copy of a literal
    run_bct run --load-only -e '
struct key_t { char op[8]; u64 n; };
BPF_HASH(h, struct key_t);
static int count(struct pt_regs *ctx, const char *op, struct sk_buff *skb)
{
    struct key_t key = {};
    __builtin_memcpy(&key.op, op, sizeof(key.op));
    key.n = ((u8 *)skb)[3] + skb->dev->ifindex;
    bpf_probe_read_kernel_str(&key.op, sizeof(key.op), skb->dev->name);
    h.increment(key);
    return 0;
}
int a(struct pt_regs *ctx, struct file *f, char *buf, size_t len, loff_t *ppos) { struct key_t k = {}; k.n = *ppos; h.increment(k); return 0; }
int b(struct pt_regs *ctx, struct sk_buff *skb) { char *op = "read"; return count(ctx, op, skb); }
int c(struct pt_regs *ctx, struct sk_buff *skb) { char *op = "fsync"; return count(ctx, op, skb); }'
}

@test "run -a: a uprobe with parameters and a uretprobe on usdtdemo, -p, --json events" {
    bg_workload W usdtdemo 3
    run_start --json -p "$W" -a "on_work=u:$(workload usdtdemo):demo_work" \
        -a "r:$(workload usdtdemo):demo_work=on_ret" "$FX/uprobe.c"
    go_workload "$W"
    tracer_stop
    cat "$OUT"
    [ "$(jq -c 'select(.n != null)' "$OUT" | tr '\n' ' ')" = \
        '{"n":0,"tag":"item0"} {"n":1,"tag":"item1"} {"n":2,"tag":"item2"} ' ]
    # increment(): hash entries created; array index 1 counted, 99 (out of range) ignored
    [ "$(jq -c 'select(.map == "h")' "$OUT" | tr '\n' ' ')" = \
        '{"map":"h","key":7,"value":3} {"map":"h","key":8,"value":15} ' ]
    [ "$(jq -c 'select(.map == "a")' "$OUT")" = '{"map":"a","key":1,"value":3}' ]
    # demo_work returns 5, 7, 9
    [ "$(jq -c 'select(.map == "dist") | .hist[] | select(.count > 0) | [.["interval-start"], .count]' "$OUT" | tr '\n' ' ')" = \
        '[4,2] [8,1] ' ]
}

@test "run -a U:PATH:PROBE: USDT arguments by bpf_usdt_readarg(_p), its semaphore set, -p" {
    bg_workload W usdtdemo_sema 3
    run_start -p "$W" -a "on_tick=U:$(workload usdtdemo_sema):demo:tick" "$FX/usdt.c"
    go_workload "$W"
    tracer_stop
    cat "$OUT"
    head -1 "$OUT" | grep -Eq '^n +tag$'
    [ "$(grep -Ec '^[0-9]+ +item[0-9]+$' "$OUT")" -eq 3 ]
    for i in 0 1 2; do grep -Eq "^$i +item$i\$" "$OUT"; done
    # the probe's semaphore was counted up: the workload fired its probes
    grep -qx 'sum=21 enabled=3' "$BATS_TEST_TMPDIR"/usdtdemo_sema.*
    # the probe without its provider, and a probe that is not there
    run_bct run --load-only -a "on_tick=U:$(workload usdtdemo_sema):tick" "$FX/usdt.c"
    BCT_RUN_FLAGS=--separate-stderr run_bct 1 run --load-only -a "on_tick=U:$(workload usdtdemo_sema):nosuch" "$FX/usdt.c"
    [[ "$stderr" == *"no USDT probe nosuch in "* ]]
}

@test "run: stack maps printed at exit, their kernel stacks symbolized" {
    nr=$(printf '#include <sys/syscall.h>\nSYS_getpid\n' | cpp -P | tail -1)
    bg_workload W syscaller -n 3 getpid
    run_start -p "$W" -D TGT="$W" -D NR="$nr" "$FX/stacks.c"
    go_workload "$W"
    tracer_stop
    cat "$OUT"
    grep -qx 'st:' "$OUT"
    grep -qx 'ust:' "$OUT"
    # two stacks (kernel, user), each taken 3 times; the kernel one is in the syscall path
    [ "$(grep -Ec '^[0-9]+ = 3$' "$OUT")" -eq 2 ]
    [ "$(grep -Ec '^stack [0-9]+:$' "$OUT")" -eq 2 ]
    grep -qx '    do_syscall_64' "$OUT"
}

@test "run --ebpf, -e and -: the rewritten program" {
    run_bct run --ebpf "$FX/count.c"
    [[ "$output" == *'SEC("tracepoint/syscalls/sys_enter_getpid") int tracepoint__syscalls__sys_enter_getpid(struct tracepoint__syscalls__sys_enter_getpid *args)'* ]]
    [[ "$output" == *'bct_m_lookup_or_try_init(calls, &key, &zero)'* ]]
    [[ "$output" == *'struct tracepoint__syscalls__sys_enter_getpid {'* ]]
    [[ "$output" == *'/* include <linux/sched.h>: from BTF */'* ]]
    run_bct run --ebpf -e 'BPF_HASH(m); int kprobe__vfs_read(struct pt_regs *ctx, struct file *f) { u64 k = 1; m.update(&k, &k); return 0; }'
    [[ "$output" == *'SEC("kprobe/vfs_read") int kprobe__vfs_read(struct pt_regs *ctx) { struct file * f = (struct file *)PT_REGS_PARM1(ctx);'* ]]
    [[ "$output" == *'bct_m_update(m, &k, &k)'* ]]
    run bash -c "echo 'BPF_ARRAY(a); int f(void *ctx) { return 0; }' | '$BCCTOOL' run --ebpf -"
    [ "$status" -eq 0 ]
    [[ "$output" == *'SEC("kprobe") int f(void *ctx)'* ]]
}

@test "run --load-only: every function through the verifier; kprobes named when missing" {
    run_bct run --load-only "$FX/uprobe.c"
    [ -z "$output" ]
    run_bct run --load-only -e 'int kprobe__vfs_read(struct pt_regs *ctx, struct file *f) { return 0; }'
    if [ ! -d /sys/bus/event_source/devices/kprobe ] &&
        [ ! -e "$(tracefs_dir)/kprobe_events" ]; then
        # this kernel has no kprobes: one line per function, exit 1, nothing attached
        BCT_RUN_FLAGS=--separate-stderr run_bct 1 run -d 1 -e 'int kprobe__vfs_read(struct pt_regs *ctx) { return 0; } int kretprobe__vfs_write(struct pt_regs *ctx) { return 0; }'
        [ "${stderr_lines[0]}" = "run: cannot attach kprobe vfs_read: kprobes are not supported by this kernel" ]
        [ "${stderr_lines[1]}" = "run: cannot attach kretprobe vfs_write: kprobes are not supported by this kernel" ]
    fi
}

@test "run: misuse gives BCC's errors" {
    BCT_RUN_FLAGS=--separate-stderr
    run_bct 1 run --load-only -e 'BPF_HASH(h); int f(struct pt_regs *ctx) { u64 k = 0; h.frob(&k); return 0; }'
    [[ "$stderr" == *"invalid bpf_table operation frob"* ]]
    run_bct 1 run --load-only -e 'int f(struct pt_regs *ctx, int a, int b, int c, int d, int e, int g, int h) { return 0; }'
    [[ "$stderr" == *"too many arguments, bcc only supports in-register parameters"* ]]
    run_bct 1 run --load-only -e 'int f(struct pt_regs *ctx, int) { return 0; }'
    [[ "$stderr" == *"arguments to BPF program definition must be named"* ]]
    run_bct 1 run --load-only -e 'BPF_TABLE("bogus", int, u64, x, 8);'
    [[ "$stderr" == *"unsupported map type: maps/bogus"* ]]
    run_bct 1 run --load-only -e 'BPF_TABLE("histogram", int, u32, x, 8);'
    [[ "$stderr" == *"histogram leaf type must be u64"* ]]
    run_bct 1 run --load-only -e 'BPF_HASH(h); int f(struct pt_regs *ctx) { return h.get_stackid(ctx, 0); }'
    [[ "$stderr" == *"get_stackid only available on stacktrace maps"* ]]
    run_bct 1 run --load-only -e 'int f(struct pt_regs *ctx) { if (); }'
    [[ "$stderr" == *"error:"* ]]
    run_bct 2 run -DBPF_LICENSE=GPL -e 'x'
    [[ "$stderr" == *"BPF_LICENSE cannot be specified through cflags"* ]]
    run_bct 2 run
    run_bct 2 run -e 'x' file.c
    run_bct 2 run -a nospec -e 'x'
    run_bct 1 run "$T/missing.c"
    [[ "$stderr" == *"cannot read"* ]]
}
