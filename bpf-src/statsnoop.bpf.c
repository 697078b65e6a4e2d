// SPDX-License-Identifier: Apache-2.0
/*
 * statsnoop: one event per stat-family syscall (statfs, newstat, newlstat, newfstatat, statx),
 * taken at syscall exit. The path argument is read back from the task's user registers, which
 * the syscall leaves as they were, so no entry program or map is needed.
 *
 * Specialised by -D: the shared filters (bpf-src/bct_filter.bpf.h) and
 *   FILTER_FAILED   keep only calls that returned an error (-x)
 * Credit: the original BCC statsnoop is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "statsnoop.h"
#define BCT_EVENT_MAX_BYTES (sizeof(struct statsnoop_event))
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __noinline int handle(void *ctx, __u32 call, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct pt_regs *regs;
	struct statsnoop_event *e;
	const char *name;
	long got;

#ifdef FILTER_FAILED
	if (ret >= 0)
		return 0;
#endif
	if (!bct_filter_pass())
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	if (call == STATSNOOP_NEWFSTATAT || call == STATSNOOP_STATX)
		name = (const char *)PT_REGS_PARM2_SYSCALL(regs);
	else
		name = (const char *)PT_REGS_PARM1_SYSCALL(regs);

	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ret = ret;
	e->call = call;
	e->info = 0;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	got = bpf_probe_read_user_str(e->path, sizeof(e->path), name);
	if (got < 0)
		e->path[0] = 0;
	else if (got == sizeof(e->path)) {
		char c = 0;

		bpf_probe_read_user(&c, 1, name + sizeof(e->path) - 1);
		if (c)
			e->info |= STATSNOOP_TRUNC;
	}
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* Method "kprobe": return probes on the syscall wrappers, as BCC attaches. */
#define KRET(name, call)                       \
	SEC("kretprobe/" BCT_SYS(name))        \
	int BPF_KRETPROBE(kr_##name, long ret) \
	{                                      \
		return handle(ctx, call, ret); \
	}
KRET(statfs, STATSNOOP_STATFS)
KRET(newstat, STATSNOOP_NEWSTAT)
KRET(newlstat, STATSNOOP_NEWLSTAT)
KRET(newfstatat, STATSNOOP_NEWFSTATAT)
KRET(statx, STATSNOOP_STATX)

/* Method "tracepoint": the syscalls:sys_exit_* events. */
#define TP(name, call)                                      \
	SEC("tracepoint/syscalls/sys_exit_" #name)          \
	int tp_##name(struct trace_event_raw_sys_exit *ctx) \
	{                                                   \
		return handle(ctx, call, ctx->ret);         \
	}
TP(statfs, STATSNOOP_STATFS)
TP(newstat, STATSNOOP_NEWSTAT)
TP(newlstat, STATSNOOP_NEWLSTAT)
TP(newfstatat, STATSNOOP_NEWFSTATAT)
TP(statx, STATSNOOP_STATX)
