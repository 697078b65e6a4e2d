// SPDX-License-Identifier: Apache-2.0
/*
 * offcputime: the time threads spend off CPU (blocked, sleeping, preempted), summed per thread
 * and per stack trace where they left the CPU, in microseconds, in the map "counts".
 *
 * Attach methods, best first (cmd/offcputime.c declares them):
 *   kprobe  finish_task_switch (BCC's): runs in the task being switched in; its stacks and the
 *           time since it was switched out are taken there
 *   tp_btf, raw_tp  sched_switch: the task switched out (prev) is the current one, so its
 *           stacks, command and time are recorded then, in "start"; when it is switched back
 *           in (next) the time off CPU is added under them. Same stacks and times; the kernel
 *           stack ends at __schedule (the tracepoint) instead of finish_task_switch.
 *
 * Defines (set by cmd/offcputime.c):
 *   OFFCPU_TGID=n / OFFCPU_PID=n   -p / -t
 *   OFFCPU_USER_THREADS / OFFCPU_KERNEL_THREADS   -u / -k
 *   OFFCPU_STATE=n                 --state (0: only tasks still runnable, else a bitmask)
 *   OFFCPU_MIN_US=n, OFFCPU_MAX_US=n   -m / -M
 *   BCT_STACK_NO_KERNEL / BCT_STACK_NO_USER / BCT_STACK_STORAGE=n   -U / -K / storage
 * Credit: the original BCC offcputime is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_stack.bpf.h"
#include "offcputime.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef OFFCPU_MIN_US
#define OFFCPU_MIN_US 1
#endif
#ifndef OFFCPU_MAX_US
#define OFFCPU_MAX_US 0xffffffffffffffffULL
#endif
#define PF_KTHREAD_FLAG 0x00200000

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFFCPU_MAX_KEYS);
	__type(key, struct offcpu_key);
	__type(value, __u64);
} counts SEC(".maps");

/* when each thread left the CPU, and (sched_switch methods) its key taken then */
struct start {
	__u64 ts;
	struct offcpu_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFFCPU_MAX_START);
	__type(key, __u32);
	__type(value, struct start);
} start SEC(".maps");

/* Whether the task leaving the CPU is one to trace (BCC's thread and state filters). */
static __always_inline bool prev_pass(struct task_struct *prev)
{
	__u32 pid = BPF_CORE_READ(prev, pid), tgid = BPF_CORE_READ(prev, tgid);
	unsigned int flags = BPF_CORE_READ(prev, flags);

	(void)pid;
	(void)tgid;
	(void)flags;
	if (tgid == bct_self_tgid)
		return false;
#ifdef OFFCPU_TGID
	if (tgid != (OFFCPU_TGID))
		return false;
#endif
#ifdef OFFCPU_PID
	if (pid != (OFFCPU_PID))
		return false;
#endif
#ifdef OFFCPU_USER_THREADS
	if (flags & PF_KTHREAD_FLAG)
		return false;
#endif
#ifdef OFFCPU_KERNEL_THREADS
	if (!(flags & PF_KTHREAD_FLAG))
		return false;
#endif
#ifdef OFFCPU_STATE
	{
		unsigned int state = BPF_CORE_READ(prev, __state);

		if ((OFFCPU_STATE) == 0 ? state != 0 : !(state & (OFFCPU_STATE)))
			return false;
	}
#endif
	return true;
}

static __always_inline void add(const struct offcpu_key *key, __u64 delta)
{
	__u64 *v = bpf_map_lookup_elem(&counts, key);

	if (v) {
		__sync_fetch_and_add(v, delta);
		return;
	}
	if (bpf_map_update_elem(&counts, key, &delta, BPF_NOEXIST)) {
		v = bpf_map_lookup_elem(&counts, key);
		if (v)
			__sync_fetch_and_add(v, delta);
		else
			bct_count_lost();
	}
}

/* The time since s->ts in microseconds, if within -m/-M; else 0. */
static __always_inline __u64 off_us(const struct start *s)
{
	__u64 now = bpf_ktime_get_ns(), delta;

	if (s->ts > now)
		return 0;
	delta = (now - s->ts) / 1000;
	if (delta < (OFFCPU_MIN_US) || delta > (OFFCPU_MAX_US))
		return 0;
	return delta;
}

/* Method "kprobe": BCC's, in the task switched in */
SEC("kprobe/finish_task_switch.isra.0")
int BPF_KPROBE(oncpu_kprobe, struct task_struct *prev)
{
	struct start s = {}, *sp;
	__u64 id = bpf_get_current_pid_tgid(), delta;
	__u32 pid;

	if (prev_pass(prev)) {
		pid = BPF_CORE_READ(prev, pid);
		s.ts = bpf_ktime_get_ns();
		bpf_map_update_elem(&start, &pid, &s, BPF_ANY);
	}
	pid = (__u32)id;
	sp = bpf_map_lookup_elem(&start, &pid);
	if (!sp)
		return 0;
	delta = off_us(sp);
	bpf_map_delete_elem(&start, &pid);
	if (!delta)
		return 0;
	s.key.pid = pid;
	s.key.tgid = id >> 32;
	s.key.user_stack_id = bct_stack_user(ctx);
	s.key.kernel_stack_id = bct_stack_kernel(ctx);
	bpf_get_current_comm(s.key.comm, sizeof(s.key.comm));
	add(&s.key, delta);
	return 0;
}

/* Methods "tp_btf" and "raw_tp": prev (the current task) leaves, next comes back. */
static __always_inline int switched(void *ctx, struct task_struct *prev, struct task_struct *next)
{
	struct start s = {}, *sp;
	__u64 id = bpf_get_current_pid_tgid(), delta;
	__u32 pid;

	if (prev_pass(prev)) {
		pid = (__u32)id;
		s.ts = bpf_ktime_get_ns();
		s.key.pid = pid;
		s.key.tgid = id >> 32;
		s.key.user_stack_id = bct_stack_user(ctx);
		s.key.kernel_stack_id = bct_stack_kernel(ctx);
		bpf_get_current_comm(s.key.comm, sizeof(s.key.comm));
		bpf_map_update_elem(&start, &pid, &s, BPF_ANY);
	}
	pid = BPF_CORE_READ(next, pid);
	sp = bpf_map_lookup_elem(&start, &pid);
	if (!sp)
		return 0;
	delta = off_us(sp);
	if (delta)
		add(&sp->key, delta);
	bpf_map_delete_elem(&start, &pid);
	return 0;
}

SEC("tp_btf/sched_switch")
int oncpu_btf(__u64 *ctx)
{
	return switched(ctx, (void *)ctx[1], (void *)ctx[2]);
}

SEC("raw_tp/sched_switch")
int oncpu_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return switched(ctx, (void *)ctx->args[1], (void *)ctx->args[2]);
}
