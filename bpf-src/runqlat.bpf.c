// SPDX-License-Identifier: Apache-2.0
/*
 * runqlat: run queue (scheduler) latency, the time from a task becoming runnable to it running
 * on a CPU, as log2 histograms kept in the kernel.
 *
 * A task becomes runnable when it is woken (sched_wakeup), when it is new (sched_wakeup_new),
 * or when it is switched out while still runnable (sched_switch with prev in TASK_RUNNING: it
 * was preempted). Its wait ends at the sched_switch that puts it on a CPU (next).
 *
 * Attach methods, best first (cmd/runqlat.c declares them as one hook, so that all the
 * programs come from the same method):
 *   sched_info  sched_switch alone, as a BTF-typed tracepoint: the wait is read from the
 *               scheduler's own stamps (bct_runq.bpf.h), with no wake-up program and no
 *               clock read
 *   tp_btf      sched_wakeup, sched_wakeup_new, sched_switch as BTF-typed tracepoints
 *   raw_tp      the same tracepoints as raw tracepoints (BCC's method)
 *
 * Defines (set by cmd/runqlat.c):
 *   RUNQLAT_FACTOR      ns per histogram unit: 1000 (usecs, default) or 1000000 (-m)
 *   RUNQLAT_PER_PID     -P: one histogram per process (key: tgid)
 *   RUNQLAT_PER_TID     -L: one histogram per thread (key: pid)
 *   RUNQLAT_PER_PIDNS   --pidnss: one histogram per PID namespace (key: its inode number)
 *   RUNQLAT_PID_MAX     the kernel's pid_max: thread IDs are below it
 *   FILTER_PID          -p: this process only (bct_filter.bpf.h)
 * Start times (sched_info: marks) are an array by thread ID; a single histogram is a per-CPU
 * array (plain increments, summed by the user side), sections a hash.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_hist.bpf.h"
#include "bct_runq.bpf.h"
#include "runqlat.h"

#ifndef RUNQLAT_PID_MAX
#define RUNQLAT_PID_MAX RUNQLAT_MAX_START
#endif

#ifndef RUNQLAT_FACTOR
#define RUNQLAT_FACTOR 1000
#endif

#if defined(RUNQLAT_PER_PID) || defined(RUNQLAT_PER_TID) || defined(RUNQLAT_PER_PIDNS)
#define NR_HISTS RUNQLAT_MAX_HISTS
#else
#define NR_HISTS 1
#endif

#define TASK_RUNNING 0 /* vmlinux.h has no macros */

char LICENSE[] SEC("license") = "GPL";

/*
 * Per thread (union bct_runq_slot): since when it has been waiting, 0 if it is not (wake-up
 * methods), or its mark (sched_info). Indexed by thread ID: a preallocated array (as large as
 * the kernel's pid_max, at most RUNQLAT_ARRAY_MAX entries): its lookup is a bounds check and
 * an add that the verifier inlines (a hash update or a task storage get is a helper call that
 * costs more than the rest of the program). A thread ID is never reused while its task waits:
 * a task runs before it exits, and running empties its slot. Thread IDs above the array,
 * where pid_max is larger, go to a hash.
 */
#if RUNQLAT_PID_MAX > RUNQLAT_ARRAY_MAX
#define RUNQLAT_ARRAY_SLOTS RUNQLAT_ARRAY_MAX
#define RUNQLAT_HIGH_TIDS
#else
#define RUNQLAT_ARRAY_SLOTS RUNQLAT_PID_MAX
#endif
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RUNQLAT_ARRAY_SLOTS);
	__type(key, __u32);
	__type(value, union bct_runq_slot);
} start SEC(".maps");

#ifdef RUNQLAT_HIGH_TIDS
/* LRU: sched_info's marks stay after their thread exits and age out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, RUNQLAT_MAX_START);
	__type(key, __u32);
	__type(value, union bct_runq_slot);
} start_high SEC(".maps");
#endif

#if NR_HISTS == 1
/* One histogram: a per-CPU array, no hash lookup or atomics at every context switch */
#define RUNQLAT_PERCPU
BCT_HIST_PERCPU_MAP(hists, 1);
#else
BCT_HIST_MAP(hists, __u64, NR_HISTS);
#endif

/* Before 5.14 the state was a long named state. */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

/*
 * A field of a task: a plain load from the typed pointers tp_btf programs get (cheap), a
 * bpf_probe_read_kernel() in raw_tp programs. btf is a constant at every call.
 */
#define TASK_READ(btf, t, field) ((btf) ? (t)->field : BPF_CORE_READ(t, field))

static __always_inline long task_state(struct task_struct *t, bool btf)
{
	struct task_struct___old *old = (void *)t;

	if (bpf_core_field_exists(t->__state))
		return btf ? t->__state : BPF_CORE_READ(t, __state);
	return BPF_CORE_READ(old, state);
}

/* The inode number of the task's own PID namespace: thread_pid->numbers[level].ns. */
static __always_inline __u32 pidns_of(struct task_struct *t)
{
	struct pid *pid = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid upid = {};

	bpf_core_read(&upid, sizeof(upid), &pid->numbers[level]);
	return BPF_CORE_READ(upid.ns, ns.inum);
}

/* Whether the task is traced: not an idle task, not bcctool itself, -p. */
static __always_inline bool traced(__u32 tgid, __u32 pid)
{
	if (!pid || tgid == bct_self_tgid)
		return false;
#ifdef FILTER_PID
	if (tgid != FILTER_PID)
		return false;
#endif
	return true;
}

/* The task p is runnable from now on: returns now (a bpf_ktime_get_ns() read), or 0. */
static __always_inline __u64 enqueued(struct task_struct *p, bool btf)
{
	__u32 pid = TASK_READ(btf, p, pid);
	union bct_runq_slot *w;
	__u64 now;

	if (!traced(TASK_READ(btf, p, tgid), pid))
		return 0;
#ifdef RUNQLAT_HIGH_TIDS
	if (pid >= RUNQLAT_ARRAY_SLOTS) {
		union bct_runq_slot high = { .ts = bpf_ktime_get_ns() };

		if (bpf_map_update_elem(&start_high, &pid, &high, BPF_ANY))
			bct_count_lost();
		return high.ts;
	}
#endif
	w = bpf_map_lookup_elem(&start, &pid);
	if (!w) {
		bct_count_lost(); /* a thread ID above pid_max: cannot happen */
		return 0;
	}
	now = bpf_ktime_get_ns();
	w->ts = now;
	return now;
}

/* When next began to wait (and it is no longer waiting), or 0: not since we started. */
static __always_inline __u64 dequeued(__u32 pid)
{
	union bct_runq_slot *w;
	__u64 ts;

#ifdef RUNQLAT_HIGH_TIDS
	if (pid >= RUNQLAT_ARRAY_SLOTS) {
		w = bpf_map_lookup_elem(&start_high, &pid);
		if (!w)
			return 0;
		ts = w->ts;
		bpf_map_delete_elem(&start_high, &pid);
		return ts;
	}
#endif
	w = bpf_map_lookup_elem(&start, &pid);
	if (!w)
		return 0;
	ts = w->ts;
	if (ts)
		w->ts = 0;
	return ts;
}

/* Adds one wait of delta ns, ending now, of next (thread pid of process tgid). */
static __always_inline void record(struct task_struct *next, __u32 pid, __u32 tgid, __u64 delta)
{
#ifdef RUNQLAT_PERCPU
	struct bct_hist *h;
	__u32 hkey = 0;

	h = bpf_map_lookup_elem(&hists, &hkey);
	if (h)
		bct_hist_add_percpu(h, bct_log2_slot(delta / RUNQLAT_FACTOR),
				    delta / RUNQLAT_FACTOR);
#else
	__u64 hkey = 0;

#if defined(RUNQLAT_PER_TID)
	hkey = pid;
#elif defined(RUNQLAT_PER_PID)
	hkey = tgid;
#elif defined(RUNQLAT_PER_PIDNS)
	hkey = pidns_of(next);
#endif
	bct_hist_log2(&hists, &hkey, delta / RUNQLAT_FACTOR);
#endif
}

static __always_inline int switched(struct task_struct *prev, struct task_struct *next, bool btf)
{
	__u32 pid, tgid;
	__u64 ts, now = 0;
	__s64 delta;

	/* preempted while runnable: waiting again from now (one clock read serves both tasks) */
	if (task_state(prev, btf) == TASK_RUNNING)
		now = enqueued(prev, btf);

	pid = TASK_READ(btf, next, pid);
	tgid = TASK_READ(btf, next, tgid);
	if (!traced(tgid, pid))
		return 0;
	ts = dequeued(pid);
	if (!ts)
		return 0; /* runnable since before we started */
	if (!now)
		now = bpf_ktime_get_ns();
	delta = now - ts;
	if (delta < 0)
		return 0;
	record(next, pid, tgid, delta);
	return 0;
}

/* sched_info: next's wait, from the scheduler's stamps and next's mark. */
static __always_inline int switched_info(struct task_struct *next)
{
	__u32 pid = next->pid, tgid = next->tgid;
	__u64 wait;

	if (!traced(tgid, pid))
		return 0;
#ifdef RUNQLAT_HIGH_TIDS
	if (pid >= RUNQLAT_ARRAY_SLOTS) {
		if (bct_runq_wait_slot(&start_high, pid, next, &wait))
			record(next, pid, tgid, wait);
		return 0;
	}
#endif
	if (bct_runq_wait_slot(&start, pid, next, &wait))
		record(next, pid, tgid, wait);
	return 0;
}

SEC("tp_btf/sched_switch")
int rq_switch_info(__u64 *ctx)
{
	return switched_info((void *)ctx[2]);
}

SEC("tp_btf/sched_wakeup")
int rq_wakeup_btf(__u64 *ctx)
{
	enqueued((void *)ctx[0], true);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int rq_new_btf(__u64 *ctx)
{
	enqueued((void *)ctx[0], true);
	return 0;
}

SEC("tp_btf/sched_switch")
int rq_switch_btf(__u64 *ctx)
{
	return switched((void *)ctx[1], (void *)ctx[2], true);
}

SEC("raw_tp/sched_wakeup")
int rq_wakeup_raw(struct bpf_raw_tracepoint_args *ctx)
{
	enqueued((void *)ctx->args[0], false);
	return 0;
}

SEC("raw_tp/sched_wakeup_new")
int rq_new_raw(struct bpf_raw_tracepoint_args *ctx)
{
	enqueued((void *)ctx->args[0], false);
	return 0;
}

SEC("raw_tp/sched_switch")
int rq_switch_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return switched((void *)ctx->args[1], (void *)ctx->args[2], false);
}
