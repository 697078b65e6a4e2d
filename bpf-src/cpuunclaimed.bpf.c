// SPDX-License-Identifier: Apache-2.0
/*
 * cpuunclaimed: samples each CPU's run queue length (a software cpu-clock perf event per CPU
 * at 99 Hz, attached by cmd/cpuunclaimed.c) and sends every sample to user space, which groups
 * the samples taken at the same moment on all CPUs.
 *
 * The length is the number of runnable CFS tasks of the CPU's run queue, all task groups
 * included, the running one too (the per-CPU rq's cfs.h_nr_runnable; h_nr_running before
 * Linux 6.14, CO-RE picks whichever this kernel has): 0 is an idle CPU. BCC reads the current
 * task's own group queue (task->se.cfs_rq->nr_running), which with CPU cgroups counts only
 * that cgroup's entities.
 * Credit: the original BCC cpuunclaimed is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "bct_common.bpf.h"
#include "cpuunclaimed.h"

char LICENSE[] SEC("license") = "GPL";

struct cfs_rq___pre614 {
	unsigned int h_nr_running;
} __attribute__((preserve_access_index));

struct cfs_rq___since614 {
	unsigned int h_nr_runnable;
} __attribute__((preserve_access_index));

SEC("perf_event")
int cpuunclaimed_sample(struct bpf_perf_event_data *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct cfs_rq *q = BPF_CORE_READ(task, se.cfs_rq);
	struct cpuunclaimed_sample *e;
	unsigned int len = 0;

	/* from the task's group queue to its CPU's root CFS queue */
	if (q && bpf_core_field_exists(q->rq)) {
		struct rq *rq = BPF_CORE_READ(q, rq);

		q = rq ? (struct cfs_rq *)((char *)rq + bpf_core_field_offset(struct rq, cfs))
		       : NULL;
	}
	if (q) {
		struct cfs_rq___since614 *nq = (void *)q;
		struct cfs_rq___pre614 *oq = (void *)q;

		if (bpf_core_field_exists(nq->h_nr_runnable))
			len = BPF_CORE_READ(nq, h_nr_runnable);
		else
			len = BPF_CORE_READ(oq, h_nr_running);
	}
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns();
	e->cpu = bpf_get_smp_processor_id();
	e->len = len;
	bct_event_submit(e, sizeof(*e));
	return 0;
}
