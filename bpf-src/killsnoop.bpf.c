// SPDX-License-Identifier: Apache-2.0
/*
 * killsnoop: one event per kill(2), taken when the call returns.
 *
 * Each method runs one program at syscall exit, which reads the target and the signal back
 * from the task's saved user registers (the syscall does not change them), so no entry
 * program and no map pair the two halves of a call.
 *
 * Specialised by -D only: the shared filters (-p --cgroup --exec, bpf-src/bct_filter.bpf.h)
 * and cmd/killsnoop.c's own:
 *   FILTER_FAILED      keep only failed calls (-x)
 *   FILTER_TPID=n      keep only calls whose target argument is n (-T)
 *   FILTER_SIG=n       keep only calls sending signal n (-s)
 * Credit: the original BCC killsnoop is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "killsnoop.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline int handle(void *ctx, long ret)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	struct killsnoop_event *e;
	int tpid, sig;

#ifdef FILTER_FAILED
	if (ret >= 0)
		return 0;
#endif
	tpid = (int)PT_REGS_PARM1_SYSCALL(regs);
	sig = (int)PT_REGS_PARM2_SYSCALL(regs);
#ifdef FILTER_TPID
	if (tpid != (FILTER_TPID))
		return 0;
#endif
#ifdef FILTER_SIG
	if (sig != (FILTER_SIG))
		return 0;
#endif
	if (!bct_filter_pass())
		return 0;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->tpid = tpid;
	e->sig = sig;
	e->ret = (int)ret;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* Method "kprobe": a return probe on the syscall wrapper, as BCC attaches. */
SEC("kretprobe/" BCT_SYS(kill))
int BPF_KRETPROBE(kr_kill, long ret)
{
	return handle(ctx, ret);
}

/* Method "tracepoint": syscalls:sys_exit_kill. */
SEC("tracepoint/syscalls/sys_exit_kill")
int tp_kill(struct trace_event_raw_sys_exit *ctx)
{
	return handle(ctx, ctx->ret);
}
