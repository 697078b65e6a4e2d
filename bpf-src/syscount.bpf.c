// SPDX-License-Identifier: Apache-2.0
/*
 * syscount: counts system calls at their exit (raw_syscalls:sys_exit), per syscall number or,
 * with -P, per process; with -L also the time from entry (raw_syscalls:sys_enter) to exit.
 *
 * Attach methods, best first (cmd/syscount.c declares them): tp_btf, raw_tp, then the
 * raw_syscalls tracepoints BCC uses; all three see every syscall of every task. tp_btf and
 * raw_tp get the syscall's pt_regs at exit, and read its number from them as the tracepoint
 * does (syscall_get_nr()).
 *
 * Defines (set by cmd/syscount.c), besides the shared -p/-t/--cgroup filters:
 *   SYSCOUNT_LATENCY        -L: time each call from its entry (per-thread start map)
 *   SYSCOUNT_BY_PROCESS     -P: key by process ID, keep its command name
 *   SYSCOUNT_FAILED         -x: only calls that returned < 0
 *   SYSCOUNT_ERRNO=e        -e: only calls that returned -e
 *   SYSCOUNT_SYSCALL=nr     --syscall: only this syscall number
 *   SYSCOUNT_PPID=pid       -c: only tasks whose parent is this process
 * By syscall number the counts are a per-CPU array (plain increments, summed by the user
 * side); by process (-P) or under bcctool serve, a hash.
 * Credit: the original BCC syscount is by Sasha Goldshtein.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "syscount.h"
#define BCT_HIST_SLOTS SYSCOUNT_SLOTS
#define BCT_HIST_SUM
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#ifdef SYSCOUNT_BY_PROCESS
BCT_HIST_MAP(hists, __u32, SYSCOUNT_MAX_KEYS);
#else
/* By syscall number: a per-CPU array, no hash lookup or atomics on every syscall's exit */
#define SYSCOUNT_PERCPU
BCT_HIST_PERCPU_MAP(hists, SYSCOUNT_MAX_NR);
#endif

#ifdef SYSCOUNT_LATENCY
/* When each thread's current syscall started. LRU: a thread that exits in a syscall
 * (exit_group) leaves its entry behind, which ages out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SYSCOUNT_MAX_KEYS);
	__type(key, __u64);
	__type(value, __u64);
} start SEC(".maps");
#endif

/* The syscall number in the registers saved at entry, as syscall_get_nr() reads it. */
#if defined(__TARGET_ARCH_x86)
#define REGS_NR(regs) ((long)(regs)->orig_ax)
#elif defined(__TARGET_ARCH_arm64)
#define REGS_NR(regs) ((long)(int)(regs)->syscallno)
#elif defined(__TARGET_ARCH_riscv)
#define REGS_NR(regs) ((long)(regs)->a7)
#elif defined(__TARGET_ARCH_s390)
#define REGS_NR(regs) ((long)((regs)->int_code & 0xffff))
#elif defined(__TARGET_ARCH_powerpc)
#define REGS_NR(regs) ((long)(regs)->gpr[0])
#else
#error "syscount: no syscall number in pt_regs known for this architecture"
#endif

/* The shared filters and -c for the running task. */
static __always_inline bool task_pass(__u64 id)
{
	struct task_struct *task;

	if (!bct_filter_ids(id, 0))
		return false;
#if defined(SYSCOUNT_PPID) || defined(FILTER_CGROUP)
	task = bpf_get_current_task_btf();
#ifdef SYSCOUNT_PPID
	if (task->real_parent->tgid != (SYSCOUNT_PPID))
		return false;
#endif
	if (!bct_filter_task(task))
		return false;
#endif
	return true;
}

#ifdef SYSCOUNT_LATENCY
static __always_inline int on_enter(long nr)
{
	__u64 id = bpf_get_current_pid_tgid(), ts;

#ifdef SYSCOUNT_SYSCALL
	if (nr != (SYSCOUNT_SYSCALL))
		return 0;
#endif
	if (!task_pass(id))
		return 0;
	ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&start, &id, &ts, BPF_ANY))
		bct_count_lost();
	return 0;
}
#endif

static __always_inline int on_exit(long nr, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct bct_hist *h;
	__u32 key;
#ifdef SYSCOUNT_LATENCY
	__u64 *tsp, delta;
#endif

#ifdef SYSCOUNT_FAILED
	if (ret >= 0)
		return 0;
#endif
#ifdef SYSCOUNT_ERRNO
	if (ret != -(SYSCOUNT_ERRNO))
		return 0;
#endif
#ifdef SYSCOUNT_SYSCALL
	if (nr != (SYSCOUNT_SYSCALL))
		return 0;
#endif
	if (nr < 0)
		return 0; /* no syscall (a tracer's restart): BCC drops these too */
#ifdef SYSCOUNT_LATENCY
	/* the start was recorded only for tasks that passed the filters */
	tsp = bpf_map_lookup_elem(&start, &id);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &id);
#else
	if (!task_pass(id))
		return 0;
#endif
#ifdef SYSCOUNT_BY_PROCESS
	key = id >> 32;
#else
	key = nr;
#endif
#ifdef SYSCOUNT_PERCPU
	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		bct_count_lost(); /* a number beyond SYSCOUNT_MAX_NR (x32's) */
		return 0;
	}
	h->count++;
#ifdef SYSCOUNT_LATENCY
	h->total += delta;
#endif
#else
	h = bct_hist_lookup(&hists, &key);
	if (!h)
		return 0;
	__sync_fetch_and_add(&h->count, 1);
#ifdef SYSCOUNT_LATENCY
	__sync_fetch_and_add(&h->total, delta);
#endif
#endif
#ifdef SYSCOUNT_BY_PROCESS
	{
		/* the main thread's name, as /proc/PID/comm shows it */
		struct task_struct *leader = bpf_get_current_task_btf()->group_leader;

		bpf_probe_read_kernel(h->slots, SYSCOUNT_COMM_LEN, leader->comm);
	}
#endif
	return 0;
}

/* Method "tp_btf" */
#ifdef SYSCOUNT_LATENCY
SEC("tp_btf/sys_enter")
int BPF_PROG(sc_enter_btf, struct pt_regs *regs, long nr)
{
	return on_enter(nr);
}
#endif

SEC("tp_btf/sys_exit")
int BPF_PROG(sc_exit_btf, struct pt_regs *regs, long ret)
{
	return on_exit(REGS_NR(regs), ret);
}

/* Method "raw_tp" */
#ifdef SYSCOUNT_LATENCY
SEC("raw_tp/sys_enter")
int sc_enter_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_enter((long)ctx->args[1]);
}
#endif

SEC("raw_tp/sys_exit")
int sc_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs regs;

	/* no BTF pointer here: a copy of the registers */
	if (bpf_probe_read_kernel(&regs, sizeof(regs), (void *)ctx->args[0]))
		return 0;
	return on_exit(REGS_NR(&regs), (long)ctx->args[1]);
}

/* Method "tracepoint": BCC's raw_syscalls events */
#ifdef SYSCOUNT_LATENCY
SEC("tracepoint/raw_syscalls/sys_enter")
int sc_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter(ctx->id);
}
#endif

SEC("tracepoint/raw_syscalls/sys_exit")
int sc_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->id, ctx->ret);
}
