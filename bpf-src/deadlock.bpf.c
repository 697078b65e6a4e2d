// SPDX-License-Identifier: Apache-2.0
/*
 * deadlock: the lock-order graph of one process. A uprobe on each lock function keeps, per
 * thread, the mutexes it holds (with the user stack that took each); taking mutex B while
 * holding A records the edge A => B (with both stacks, the thread and its name) in `edges`.
 * A uprobe on each unlock function forgets the mutex. The user side reads `edges` every
 * second and looks for a cycle.
 *
 * Thread creation (who made each thread, and where) comes from BCC's kretprobe on clone()
 * (clone3() too, which today's glibc uses for threads) or, without kprobes, from the
 * sched:sched_process_fork tracepoint (tp_btf, raw_tp, tracepoint), which runs in the parent
 * as the child is made: the same parent stack, for every way of making a thread.
 *
 * Defines: DEADLOCK_PID (the traced process), DEADLOCK_MAX_THREADS (-t), DEADLOCK_MAX_EDGES
 * (-e), BCT_STACK_STORAGE. Programs are attached by cmd/deadlock.c (lib/uprobe.h).
 * Credit: the original BCC deadlock is by Kenny Yu.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_stack.bpf.h"
#include "deadlock.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef DEADLOCK_PID
#define DEADLOCK_PID 0
#endif
#ifndef DEADLOCK_MAX_THREADS
#define DEADLOCK_MAX_THREADS 65536
#endif
#ifndef DEADLOCK_MAX_EDGES
#define DEADLOCK_MAX_EDGES 65536
#endif

struct held {
	__u64 mutex[DEADLOCK_MAX_HELD]; /* 0: a free slot */
	__s64 stack_id[DEADLOCK_MAX_HELD];
	__u64 caller[DEADLOCK_MAX_HELD];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEADLOCK_MAX_THREADS);
	__type(key, __u32);
	__type(value, struct held);
} held_mutexes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEADLOCK_MAX_EDGES);
	__type(key, struct deadlock_edge_key);
	__type(value, struct deadlock_edge);
} edges SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEADLOCK_MAX_THREADS);
	__type(key, __u32);
	__type(value, struct deadlock_parent);
} thread_parent SEC(".maps");

static const struct held empty_held;

SEC("uprobe")
int mutex_acquire(struct pt_regs *ctx)
{
	__u64 mutex = PT_REGS_PARM1(ctx);
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct deadlock_edge_key key;
	struct deadlock_edge e = {};
	struct held *h;
	__s64 stack_id;
	__u64 caller = 0;
	int i, free_slot = -1;

	if (!mutex)
		return 0;
	h = bpf_map_lookup_elem(&held_mutexes, &tid);
	if (!h) {
		bpf_map_update_elem(&held_mutexes, &tid, &empty_held, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&held_mutexes, &tid);
		if (!h) {
			bct_count_lost();
			return 0;
		}
	}
	/* a recursive mutex taken again: no self edge, nothing new held */
	for (i = 0; i < DEADLOCK_MAX_HELD; i++)
		if (h->mutex[i] == mutex)
			return 0;
	stack_id = bct_stack_user(ctx);
	bpf_probe_read_user(&caller, sizeof(caller), (void *)PT_REGS_SP(ctx));
	e.mutex2_stack_id = stack_id;
	e.mutex2_caller = caller;
	e.tid = tid;
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	for (i = 0; i < DEADLOCK_MAX_HELD; i++) {
		if (!h->mutex[i]) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		key.mutex1 = h->mutex[i];
		key.mutex2 = mutex;
		e.mutex1_stack_id = h->stack_id[i];
		e.mutex1_caller = h->caller[i];
		if (bpf_map_update_elem(&edges, &key, &e, BPF_ANY))
			bct_count_lost();
	}
	if (free_slot < 0 || free_slot >= DEADLOCK_MAX_HELD) {
		bct_count_lost();
		return 0;
	}
	h->mutex[free_slot] = mutex;
	h->stack_id[free_slot] = stack_id;
	h->caller[free_slot] = caller;
	return 0;
}

SEC("uprobe")
int mutex_release(struct pt_regs *ctx)
{
	__u64 mutex = PT_REGS_PARM1(ctx);
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct held *h;
	int i;

	h = bpf_map_lookup_elem(&held_mutexes, &tid);
	if (!h)
		return 0; /* taken before tracing began */
	for (i = 0; i < DEADLOCK_MAX_HELD; i++) {
		if (h->mutex[i] == mutex) {
			h->mutex[i] = 0;
			h->stack_id[i] = 0;
			h->caller[i] = 0;
		}
	}
	return 0;
}

/* in the parent: child is the new thread's ID */
static __always_inline int thread_made(void *ctx, __u32 child)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct deadlock_parent p = {};
	long err;

	if ((__u32)(pid_tgid >> 32) != DEADLOCK_PID || !child)
		return 0;
	p.parent_tid = (__u32)pid_tgid;
	p.stack_id = bct_stack_user(ctx);
	bpf_get_current_comm(p.comm, sizeof(p.comm));
	err = bpf_map_update_elem(&thread_parent, &child, &p, BPF_NOEXIST);
	if (err && err != -17) /* -EEXIST: the first record stays */
		bct_count_lost();
	return 0;
}

SEC("kretprobe/" BCT_SYS(clone))
int clone_return(struct pt_regs *ctx)
{
	long rc = PT_REGS_RC(ctx);

	return rc > 0 ? thread_made(ctx, (__u32)rc) : 0;
}

SEC("kretprobe/" BCT_SYS(clone3))
int clone3_return(struct pt_regs *ctx)
{
	long rc = PT_REGS_RC(ctx);

	return rc > 0 ? thread_made(ctx, (__u32)rc) : 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(fork_btf, struct task_struct *parent, struct task_struct *child)
{
	return thread_made(ctx, BPF_CORE_READ(child, pid));
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(fork_raw, struct task_struct *parent, struct task_struct *child)
{
	return thread_made(ctx, BPF_CORE_READ(child, pid));
}

SEC("tracepoint/sched/sched_process_fork")
int fork_tp(struct trace_event_raw_sched_process_fork *ctx)
{
	return thread_made(ctx, (__u32)ctx->child_pid);
}
