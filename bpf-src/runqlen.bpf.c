// SPDX-License-Identifier: Apache-2.0
/*
 * runqlen: samples the run queue length of each CPU (a software cpu-clock perf event per CPU
 * at 99 Hz, attached by cmd/runqlen.c) into a linear histogram.
 *
 * The length is the number of runnable CFS tasks of the CPU's run queue, all task groups
 * included (the per-CPU struct rq's cfs.h_nr_runnable), less the running one. BCC reads the
 * current task's own group queue (task->se.cfs_rq->nr_running), which on a system with CPU
 * cgroups counts only that cgroup's tasks. The field was h_nr_running before Linux 6.14; CO-RE
 * picks whichever this kernel has.
 *
 * Defines (set by cmd/runqlen.c):
 *   RUNQLEN_PER_CPU    -C: one histogram per CPU
 * Credit: the original BCC runqlen is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_hist.bpf.h"
#include "runqlen.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, __u64, RUNQLEN_MAX_CPUS);

/* Before Linux 6.14 the count of runnable CFS tasks was h_nr_running. */
struct cfs_rq___old {
	unsigned int h_nr_running;
} __attribute__((preserve_access_index));

struct cfs_rq___new {
	unsigned int h_nr_runnable;
} __attribute__((preserve_access_index));

SEC("perf_event")
int runqlen_sample(struct bpf_perf_event_data *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct cfs_rq *q = BPF_CORE_READ(task, se.cfs_rq);
	struct cfs_rq___new *nq;
	struct cfs_rq___old *oq;
	unsigned int len = 0;
	__u64 key = 0;

	/*
	 * The CPU's root CFS queue: through the group queue's rq with group scheduling, else
	 * the task's queue is the root one (runqueues itself is no ksym without KALLSYMS_ALL).
	 */
	if (q && bpf_core_field_exists(q->rq)) {
		struct rq *rq = BPF_CORE_READ(q, rq);

		q = rq ? (struct cfs_rq *)((char *)rq + bpf_core_field_offset(struct rq, cfs))
		       : NULL;
	}
	if (!q)
		goto out;
	nq = (void *)q;
	oq = (void *)q;

	if (bpf_core_field_exists(nq->h_nr_runnable))
		len = BPF_CORE_READ(nq, h_nr_runnable);
	else
		len = BPF_CORE_READ(oq, h_nr_running);
out:
	/* without the running task: 0 is an idle CPU or one running task alone */
	if (len > 0)
		len--;
#ifdef RUNQLEN_PER_CPU
	key = bpf_get_smp_processor_id();
#endif
	bct_hist_linear(&hists, &key, len);
	return 0;
}
