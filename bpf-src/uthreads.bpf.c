// SPDX-License-Identifier: Apache-2.0
/*
 * uthreads: thread creation in one process: pthread_create() calls (a uprobe on libc's
 * function, its third argument the start routine) and, for Java, hotspot's thread__start and
 * thread__stop USDT probes, whose argument readers cmd/uthreads.c defines
 * (BCT_USDT_TS_ARGn, BCT_USDT_TE_ARGn: lib/usdt_args.h).
 * Credit: the original BCC uthreads is by Sasha Goldshtein.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "uthreads.h"

char LICENSE[] SEC("license") = "GPL";

SEC("uprobe")
int uthreads_pthread(struct pt_regs *ctx)
{
	struct uthreads_event *e;

	if (!bct_filter_pass())
		return 0;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->native_id = (__u32)bpf_get_current_pid_tgid();
	e->runtime_id = PT_REGS_PARM3(ctx); /* the start routine */
	e->type = UTHREADS_PTHREAD;
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* thread__start and thread__stop: (name, name length, Java id, native id, daemon) */
#define JAVA_THREAD_PROG(fn, id, kind)                     \
	SEC("uprobe")                                      \
	int fn(struct pt_regs *ctx)                        \
	{                                                  \
		struct uthreads_event *e;                  \
		if (!bct_filter_pass())                    \
			return 0;                          \
		e = bct_event_reserve(sizeof(*e));         \
		if (!e)                                    \
			return 0;                          \
		__builtin_memset(e, 0, sizeof(*e));        \
		e->pid = bpf_get_current_pid_tgid() >> 32; \
		e->type = kind;                            \
		java_read(ctx, e, id);                     \
		bct_event_submit(e, sizeof(*e));           \
		return 0;                                  \
	}

#define JAVA_FIELDS(ctx, e, ID)                                                                  \
	do {                                                                                     \
		bpf_probe_read_user(e->name, sizeof(e->name) - 1, (void *)BCT_USDT_##ID##_ARG1); \
		e->name_len = (__u32)BCT_USDT_##ID##_ARG2;                                       \
		e->runtime_id = BCT_USDT_##ID##_ARG3;                                            \
		e->native_id = BCT_USDT_##ID##_ARG4;                                             \
	} while (0)

#if defined(BCT_USDT_TS_NARGS) && BCT_USDT_TS_NARGS >= 4
#define java_read_TS(ctx, e) JAVA_FIELDS(ctx, e, TS)
#else
#define java_read_TS(ctx, e) ((void)ctx)
#endif
#if defined(BCT_USDT_TE_NARGS) && BCT_USDT_TE_NARGS >= 4
#define java_read_TE(ctx, e) JAVA_FIELDS(ctx, e, TE)
#else
#define java_read_TE(ctx, e) ((void)ctx)
#endif
#define java_read(ctx, e, id) java_read_##id(ctx, e)

JAVA_THREAD_PROG(uthreads_start, TS, UTHREADS_START)
JAVA_THREAD_PROG(uthreads_stop, TE, UTHREADS_STOP)
