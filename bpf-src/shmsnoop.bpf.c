// SPDX-License-Identifier: Apache-2.0
/*
 * shmsnoop: one event per shmget(2), shmat(2), shmdt(2) and shmctl(2), taken at syscall exit;
 * the arguments are read back from the task's user registers, which the syscall leaves as
 * they were, so no entry program or map is needed.
 *
 * Specialised by -D: the shared filters (bpf-src/bct_filter.bpf.h) and
 *   FILTER_FAILED   keep only calls that returned an error (-x)
 * Credit: the original BCC shmsnoop is by Jiri Olsa.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "shmsnoop.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __noinline int handle(void *ctx, __u32 sys, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct shmsnoop_event *e;
	struct pt_regs *regs;

#ifdef FILTER_FAILED
	if (ret >= 0)
		return 0;
#endif
	if (!bct_filter_pass())
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ret = ret;
	e->arg[0] = PT_REGS_PARM1_SYSCALL(regs);
	e->arg[1] = PT_REGS_PARM2_SYSCALL(regs);
	e->arg[2] = PT_REGS_PARM3_SYSCALL(regs);
	e->sys = sys;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* Method "kprobe": return probes on the syscall wrappers, as BCC attaches. */
#define KRET(name, sys)                        \
	SEC("kretprobe/" BCT_SYS(name))        \
	int BPF_KRETPROBE(kr_##name, long ret) \
	{                                      \
		return handle(ctx, sys, ret);  \
	}
KRET(shmget, SHMSNOOP_SHMGET)
KRET(shmat, SHMSNOOP_SHMAT)
KRET(shmdt, SHMSNOOP_SHMDT)
KRET(shmctl, SHMSNOOP_SHMCTL)

/* Method "tracepoint": the syscalls:sys_exit_* events. */
#define TP(name, sys)                                       \
	SEC("tracepoint/syscalls/sys_exit_" #name)          \
	int tp_##name(struct trace_event_raw_sys_exit *ctx) \
	{                                                   \
		return handle(ctx, sys, ctx->ret);          \
	}
TP(shmget, SHMSNOOP_SHMGET)
TP(shmat, SHMSNOOP_SHMAT)
TP(shmdt, SHMSNOOP_SHMDT)
TP(shmctl, SHMSNOOP_SHMCTL)
