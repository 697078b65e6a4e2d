// SPDX-License-Identifier: Apache-2.0
/*
 * wakeuptime: the time threads spend blocked, summed per waker kernel stack, waker command and
 * target command, in microseconds, in the map "counts".
 *
 * A thread leaving the CPU (schedule / sched_switch, in that thread) records when, in "start";
 * when another thread wakes it (try_to_wake_up / sched_waking, in the waker) the time since
 * then is added under the waker's kernel stack and both commands.
 *
 * Attach methods, best first (cmd/wakeuptime.c declares them):
 *   kprobe  schedule + try_to_wake_up (BCC's kprobe method)
 *   tp_btf, raw_tp  sched_switch + sched_waking: sched_waking fires inside try_to_wake_up, in
 *           the waker, once the wakeup is sure; sched_switch in the thread leaving the CPU
 *
 * Defines (set by cmd/wakeuptime.c):
 *   WAKEUP_TGID=n        -p (the target's process)
 *   WAKEUP_USER_ONLY     -u (targets that are not kernel threads)
 *   WAKEUP_MIN_US=n, WAKEUP_MAX_US=n   -m / -M
 *   BCT_STACK_STORAGE=n  --stack-storage-size
 * Credit: the original BCC wakeuptime is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#define BCT_STACK_NO_USER
#include "bct_stack.bpf.h"
#include "wakeuptime.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef WAKEUP_MIN_US
#define WAKEUP_MIN_US 1
#endif
#ifndef WAKEUP_MAX_US
#define WAKEUP_MAX_US 0xffffffffffffffffULL
#endif
#define PF_KTHREAD_FLAG 0x00200000

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WAKEUP_MAX_KEYS);
	__type(key, struct wakeup_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WAKEUP_MAX_START);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

/* Whether task p is one to trace (BCC's -p and -u filters). */
static __always_inline bool task_pass(struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	unsigned int flags = BPF_CORE_READ(p, flags);

	(void)flags;
	if (tgid == bct_self_tgid)
		return false;
#ifdef WAKEUP_TGID
	if (tgid != (WAKEUP_TGID))
		return false;
#endif
#ifdef WAKEUP_USER_ONLY
	if (flags & PF_KTHREAD_FLAG)
		return false;
#endif
	return true;
}

/* The current thread leaves the CPU. */
static __always_inline int offcpu(void)
{
	struct task_struct *cur = (struct task_struct *)bpf_get_current_task();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ts;

	if (!task_pass(cur))
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	return 0;
}

/* The current thread wakes p. */
static __always_inline int wakeup(void *ctx, struct task_struct *p)
{
	struct wakeup_key key = {};
	__u32 tid = BPF_CORE_READ(p, pid);
	__u64 *tsp, delta, *v;

	tsp = bpf_map_lookup_elem(&start, &tid);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &tid);
	if (!task_pass(p))
		return 0;
	delta /= 1000;
	if (delta < (WAKEUP_MIN_US) || delta > (WAKEUP_MAX_US))
		return 0;
	key.w_k_stack_id = bct_stack_kernel(ctx);
	BPF_CORE_READ_STR_INTO(&key.target, p, comm);
	bpf_get_current_comm(key.waker, sizeof(key.waker));
	v = bpf_map_lookup_elem(&counts, &key);
	if (v) {
		__sync_fetch_and_add(v, delta);
		return 0;
	}
	if (bpf_map_update_elem(&counts, &key, &delta, BPF_NOEXIST)) {
		v = bpf_map_lookup_elem(&counts, &key);
		if (v)
			__sync_fetch_and_add(v, delta);
		else
			bct_count_lost();
	}
	return 0;
}

/* Method "kprobe": BCC's */
SEC("kprobe/schedule")
int BPF_KPROBE(offcpu_kprobe)
{
	return offcpu();
}

SEC("kprobe/try_to_wake_up")
int BPF_KPROBE(waker_kprobe, struct task_struct *p)
{
	return wakeup(ctx, p);
}

/* Method "tp_btf" */
SEC("tp_btf/sched_switch")
int offcpu_btf(__u64 *ctx)
{
	return offcpu();
}

SEC("tp_btf/sched_waking")
int waker_btf(__u64 *ctx)
{
	return wakeup(ctx, (struct task_struct *)ctx[0]);
}

/* Method "raw_tp" */
SEC("raw_tp/sched_switch")
int offcpu_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return offcpu();
}

SEC("raw_tp/sched_waking")
int waker_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return wakeup(ctx, (struct task_struct *)ctx->args[0]);
}
