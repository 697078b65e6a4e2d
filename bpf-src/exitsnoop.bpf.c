// SPDX-License-Identifier: Apache-2.0
/*
 * exitsnoop: one event per process termination (exit or fatal signal), or per thread with
 * --per-thread, from the sched:sched_process_exit tracepoint, which fires in the exiting task.
 *
 * Specialised by -D only: the shared filters (-p --cgroup, bpf-src/bct_filter.bpf.h), and
 * cmd/exitsnoop.c's own:
 *   PER_THREAD     every thread's exit, not only a process's main thread's
 *   FILTER_FAILED  skip exits with code 0 (-x)
 * Credit: the original BCC exitsnoop is by Arturo Martin-de-Nicolas.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "exitsnoop.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline int handle(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct exitsnoop_event *e;
	__u32 exit_code;

#ifndef PER_THREAD
	if (task->pid != task->tgid)
		return 0;
#endif
	exit_code = task->exit_code;
#ifdef FILTER_FAILED
	if (exit_code == 0)
		return 0;
#endif
	if (!bct_filter_pass())
		return 0;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns();
	e->start_ns = task->start_time;
	e->pid = task->tgid;
	e->tid = task->pid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->exit_code = exit_code;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* Method "tp_btf". */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(btf_exit)
{
	return handle(ctx);
}

/* Method "raw_tp". */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(raw_exit)
{
	return handle(ctx);
}

/* Method "tracepoint" (BCC's). */
SEC("tracepoint/sched/sched_process_exit")
int tp_exit(void *ctx)
{
	return handle(ctx);
}
