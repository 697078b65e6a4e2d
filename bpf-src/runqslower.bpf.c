// SPDX-License-Identifier: Apache-2.0
/*
 * runqslower: one event per run queue wait longer than a threshold: the time from a task
 * becoming runnable to it running on a CPU.
 *
 * A task becomes runnable when it is woken (sched_wakeup), when it is new (sched_wakeup_new),
 * or when it is switched out while still runnable (sched_switch with prev in TASK_RUNNING:
 * preempted). Its wait ends at the sched_switch that puts it on a CPU (next); the event names
 * the task that ran before it there (prev).
 *
 * Attach methods, best first (one hook in cmd/runqslower.c, so all the programs come from the
 * same method):
 *   sched_info  sched_switch alone, as a BTF-typed tracepoint: the wait is read from the
 *               scheduler's own stamps (bct_runq.bpf.h), with no wake-up program and no
 *               clock read
 *   tp_btf      sched_wakeup, sched_wakeup_new, sched_switch as BTF-typed tracepoints
 *   raw_tp      the same tracepoints as raw tracepoints (BCC's method)
 *
 * Defines (set by cmd/runqslower.c and the kit):
 *   RQS_MIN_US   report waits longer than this many microseconds (0: every wait)
 *   FILTER_PID   -p: tasks of this process only
 *   FILTER_TID   -t: this thread only
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_runq.bpf.h"
#include "runqslower.h"

#ifndef RQS_MIN_US
#define RQS_MIN_US 10000
#endif

#define TASK_RUNNING 0 /* vmlinux.h has no macros */

char LICENSE[] SEC("license") = "GPL";

/*
 * By thread ID: since when a runnable task has been waiting (wake-up methods; deleted when it
 * runs), or a thread's mark (sched_info; kept). LRU: marks of threads that exited age out.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, RUNQSLOWER_MAX_START);
	__type(key, __u32);
	__type(value, union bct_runq_slot);
} start SEC(".maps");

/* Before 5.14 the state was a long named state. */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

/* A plain load from tp_btf's typed pointers, a CO-RE probe read in raw_tp programs. */
#define TASK_READ(btf, t, field) ((btf) ? (t)->field : BPF_CORE_READ(t, field))

static __always_inline long task_state(struct task_struct *t)
{
	struct task_struct___old *old = (void *)t;

	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ(old, state);
}

/* Whether a task's waits are timed: not an idle task, not bcctool itself, -p, -t. */
static __always_inline bool traced(__u32 tgid, __u32 pid)
{
	if (!pid || tgid == bct_self_tgid)
		return false;
#ifdef FILTER_PID
	if (tgid != FILTER_PID)
		return false;
#endif
#ifdef FILTER_TID
	if (pid != FILTER_TID)
		return false;
#endif
	return true;
}

static __always_inline void enqueued(struct task_struct *p, bool btf)
{
	__u32 pid = TASK_READ(btf, p, pid);
	union bct_runq_slot w = {};

	if (!traced(TASK_READ(btf, p, tgid), pid))
		return;
	w.ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&start, &pid, &w, BPF_ANY))
		bct_count_lost();
}

/* One event for a wait of delta_us by next, which replaces prev on this CPU. */
static __always_inline void report(void *ctx, struct task_struct *prev, struct task_struct *next,
				   __u32 pid, __u64 delta_us, bool btf)
{
	struct runqslower_event *e;

	if (RQS_MIN_US && delta_us <= RQS_MIN_US)
		return;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return;
	e->delta_us = delta_us;
	e->pid = pid;
	e->prev_pid = TASK_READ(btf, prev, pid);
	bpf_probe_read_kernel_str(e->task, sizeof(e->task), next->comm);
	bpf_probe_read_kernel_str(e->prev_task, sizeof(e->prev_task), prev->comm);
	bct_event_submit(e, sizeof(*e));
}

static __always_inline int switched(void *ctx, struct task_struct *prev, struct task_struct *next,
				    bool btf)
{
	union bct_runq_slot *w;
	__u64 now, ts;
	__u32 pid;

	/* preempted while runnable: waiting again from now */
	if (task_state(prev) == TASK_RUNNING)
		enqueued(prev, btf);

	pid = TASK_READ(btf, next, pid);
	w = bpf_map_lookup_elem(&start, &pid);
	if (!w)
		return 0; /* not traced, or runnable since before we started */
	ts = w->ts;
	now = bpf_ktime_get_ns();
	bpf_map_delete_elem(&start, &pid);
	report(ctx, prev, next, pid, now > ts ? (now - ts) / 1000 : 0, btf);
	return 0;
}

/* sched_info: next's wait, from the scheduler's stamps and next's mark. */
static __always_inline int switched_info(void *ctx, struct task_struct *prev,
					 struct task_struct *next)
{
	__u32 pid = next->pid;
	__u64 wait;

	if (!traced(next->tgid, pid) || !bct_runq_wait_slot(&start, pid, next, &wait))
		return 0;
	report(ctx, prev, next, pid, wait / 1000, true);
	return 0;
}

SEC("tp_btf/sched_switch")
int rqs_switch_info(__u64 *ctx)
{
	return switched_info(ctx, (void *)ctx[1], (void *)ctx[2]);
}

SEC("tp_btf/sched_wakeup")
int rqs_wakeup_btf(__u64 *ctx)
{
	enqueued((void *)ctx[0], true);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int rqs_new_btf(__u64 *ctx)
{
	enqueued((void *)ctx[0], true);
	return 0;
}

SEC("tp_btf/sched_switch")
int rqs_switch_btf(__u64 *ctx)
{
	return switched(ctx, (void *)ctx[1], (void *)ctx[2], true);
}

SEC("raw_tp/sched_wakeup")
int rqs_wakeup_raw(struct bpf_raw_tracepoint_args *ctx)
{
	enqueued((void *)ctx->args[0], false);
	return 0;
}

SEC("raw_tp/sched_wakeup_new")
int rqs_new_raw(struct bpf_raw_tracepoint_args *ctx)
{
	enqueued((void *)ctx->args[0], false);
	return 0;
}

SEC("raw_tp/sched_switch")
int rqs_switch_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return switched(ctx, (void *)ctx->args[1], (void *)ctx->args[2], false);
}
