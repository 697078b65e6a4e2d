// SPDX-License-Identifier: Apache-2.0
/*
 * oomkill: one event per process the kernel's OOM killer kills.
 *
 * Two methods: a kprobe on oom_kill_process(), as BCC attaches, which sees the OOM control
 * (the victim chosen and the domain's total pages), and the oom:mark_victim tracepoint,
 * which fires in the same task for the victim being killed and gives its RSS (in kB)
 * instead of the domain's size.
 *
 * No tool options: the shared kit's own-process exclusion only.
 * Credit: the original BCC oomkill is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "oomkill.h"
#include "bct_common.bpf.h"

/* the page size, from cmd/oomkill.c (sysconf); 4 KiB when compiled alone */
#ifndef OOMKILL_PAGE_SIZE
#define OOMKILL_PAGE_SIZE 4096
#endif

char LICENSE[] SEC("license") = "GPL";

/* Method "kprobe": oom_kill_process(oc, message). */
SEC("kprobe/oom_kill_process")
int BPF_KPROBE(kp_oom_kill_process, struct oom_control *oc)
{
	struct task_struct *victim = BPF_CORE_READ(oc, chosen);
	struct oomkill_event *e = bct_event_reserve(sizeof(*e));

	if (!e)
		return 0;
	e->fpid = bpf_get_current_pid_tgid() >> 32;
	e->tpid = BPF_CORE_READ(victim, tgid);
	e->pages = BPF_CORE_READ(oc, totalpages);
	bpf_get_current_comm(e->fcomm, sizeof(e->fcomm));
	BPF_CORE_READ_STR_INTO(&e->tcomm, victim, comm);
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* Method "tracepoint": oom:mark_victim, in the triggering task; RSS in kB. */
SEC("tracepoint/oom/mark_victim")
int tp_mark_victim(struct trace_event_raw_mark_victim *ctx)
{
	struct oomkill_event *e = bct_event_reserve(sizeof(*e));
	__u64 kb = ctx->anon_rss + ctx->file_rss + ctx->shmem_rss;
	__u32 loc = ctx->__data_loc_comm;

	if (!e)
		return 0;
	e->fpid = bpf_get_current_pid_tgid() >> 32;
	e->tpid = ctx->pid;
	e->pages = kb / (OOMKILL_PAGE_SIZE / 1024);
	bpf_get_current_comm(e->fcomm, sizeof(e->fcomm));
	bpf_probe_read_kernel_str(e->tcomm, sizeof(e->tcomm), (char *)ctx + (loc & 0xffff));
	bct_event_submit(e, sizeof(*e));
	return 0;
}
