// SPDX-License-Identifier: Apache-2.0
/*
 * sigsnoop: one event per signal generated (the signal:signal_generate tracepoint), or with
 * -k (SIGSNOOP_KILL) one per kill(2), tkill(2) and tgkill(2) call, taken when the call returns
 * (the target and the signal read back from the task's saved user registers).
 *
 * Specialised by -D only: the shared filters (-p --cgroup --exec, bpf-src/bct_filter.bpf.h)
 * and cmd/sigsnoop.c's own:
 *   SIGSNOOP_KILL      -k: the syscall programs instead of the signal_generate one
 *   FILTER_FAILED      keep only failed signals (-x): a non-zero result
 *   FILTER_SIGS=mask   keep only these signals (-s): bit n-1 for signal n
 * Credit: the original libbpf-tools sigsnoop is by Hengqi Chen.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sigsnoop.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline int emit(void *ctx, int tpid, int sig, int ret)
{
	struct sigsnoop_event *e;

#ifdef FILTER_FAILED
	if (ret == 0)
		return 0;
#endif
#ifdef FILTER_SIGS
	if (sig < 1 || sig > 64 || !(((__u64)(FILTER_SIGS) >> (sig - 1)) & 1))
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
	e->ret = ret;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
	return 0;
}

#ifndef SIGSNOOP_KILL

/* Method "tracepoint": every signal the kernel generates, from any source. */
SEC("tracepoint/signal/signal_generate")
int tp_signal_generate(struct trace_event_raw_signal_generate *ctx)
{
	return emit(ctx, ctx->pid, ctx->sig, ctx->errno);
}

#else

enum kind { K_KILL, K_TKILL, K_TGKILL };

static __always_inline int syscall_exit(void *ctx, enum kind kind, long ret)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

	if (kind == K_TGKILL) /* tgkill(tgid, tid, sig) */
		return emit(ctx, (int)PT_REGS_PARM2_SYSCALL(regs), (int)PT_REGS_PARM3_SYSCALL(regs),
			    (int)ret);
	/* kill(pid, sig), tkill(tid, sig) */
	return emit(ctx, (int)PT_REGS_PARM1_SYSCALL(regs), (int)PT_REGS_PARM2_SYSCALL(regs),
		    (int)ret);
}

/* Method "tracepoint" of -k: the syscalls:sys_exit_* events. */
SEC("tracepoint/syscalls/sys_exit_kill")
int tp_kill(struct trace_event_raw_sys_exit *ctx)
{
	return syscall_exit(ctx, K_KILL, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_tkill")
int tp_tkill(struct trace_event_raw_sys_exit *ctx)
{
	return syscall_exit(ctx, K_TKILL, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_tgkill")
int tp_tgkill(struct trace_event_raw_sys_exit *ctx)
{
	return syscall_exit(ctx, K_TGKILL, ctx->ret);
}

#endif
