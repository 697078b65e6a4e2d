/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Run queue waits from the scheduler's own stamps, for the "sched_info" method of runqlat and
 * runqslower: one program on sched_switch (tp_btf), none at wake-ups, no clock read.
 *
 * With CONFIG_SCHED_INFO the scheduler stamps a task with its run queue's clock when the task
 * is queued (sched_info.last_queued: on wake-up, on fork, and when a preempted task is put
 * back) and adds each wait to sched_info.run_delay when the task is switched in, which
 * /proc/PID/schedstat shows. At the sched_switch tracepoint the wait of next is still open:
 * sched_info_arrive() runs after it, and __schedule() brought the run queue's clock up to date
 * before it. So the wait is that clock minus the stamp.
 *
 * A task moved to another CPU's queue while it waits (load balancing) is stamped again there,
 * and what it had waited is added to run_delay at the move. A mark per thread keeps its
 * run_delay as of its last switch-in (and its start_time, which tells a reused thread ID), so
 * that what run_delay gained since is added back and such a wait counts whole.
 *
 * The run queue is found through next: se.cfs_rq->rq (CONFIG_FAIR_GROUP_SCHED; set for every
 * scheduling class when a task changes CPU, and next is about to run on this CPU). The per-CPU
 * runqueues variable would need its address, which kallsyms lists only with KALLSYMS_ALL.
 * User space checks both configurations before choosing the method (bct_btf_member_exists(),
 * /proc/1/schedstat).
 */
#ifndef BCT_RUNQ_BPF_H
#define BCT_RUNQ_BPF_H

struct bct_runq_mark {
	__u64 task_start; /* the thread's start_time when the mark was set */
	__u64 run_delay; /* its sched_info.run_delay after its last switch-in */
};

/*
 * A tool's per-thread slot, shared by its methods: since when a runnable thread has been
 * waiting (the wake-up methods' start time), or its mark (sched_info).
 */
union bct_runq_slot {
	__u64 ts;
	struct bct_runq_mark mark;
};

/*
 * The wait of next that ends at this switch, in ns, in *wait; false when the kernel stamped
 * none (an idle task, a wait begun before the stamps were kept). mark: next's, updated for its
 * next wait; NULL leaves out what was waited on another CPU before a move.
 */
static __always_inline bool bct_runq_wait(struct task_struct *next, struct bct_runq_mark *mark,
					  __u64 *wait)
{
	__u64 queued, now, run_delay, born;
	const struct rq *rq;

	if (!bpf_core_field_exists(next->sched_info.last_queued) ||
	    !bpf_core_field_exists(next->se.cfs_rq))
		return false;
	queued = next->sched_info.last_queued;
	if (!queued)
		return false;
	rq = next->se.cfs_rq->rq;
	if (!rq)
		return false;
	now = rq->clock;
	if (now < queued)
		return false;
	*wait = now - queued;
	if (!mark)
		return true;
	run_delay = next->sched_info.run_delay;
	born = next->start_time;
	if (mark->task_start == born && run_delay > mark->run_delay)
		*wait += run_delay - mark->run_delay; /* waited elsewhere before a move */
	mark->task_start = born;
	mark->run_delay = run_delay + (now - queued);
	return true;
}

/*
 * bct_runq_wait() with next's mark in slots (a map of union bct_runq_slot by thread ID tid):
 * updated where it is, or added for a thread not seen before.
 */
static __always_inline bool bct_runq_wait_slot(void *slots, __u32 tid, struct task_struct *next,
					       __u64 *wait)
{
	union bct_runq_slot *w = bpf_map_lookup_elem(slots, &tid), fresh = {};

	if (!bct_runq_wait(next, w ? &w->mark : &fresh.mark, wait))
		return false;
	if (!w)
		bpf_map_update_elem(slots, &tid, &fresh, BPF_NOEXIST);
	return true;
}

#endif
