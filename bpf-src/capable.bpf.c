// SPDX-License-Identifier: Apache-2.0
/*
 * capable: one event per capability check (cap_capable()).
 *
 * Two methods: a kprobe on cap_capable(), which sees the check's options (cap_opt: whether it
 * is audited, whether it comes from a set*id call) as BCC does, and the
 * capability:cap_capable tracepoint, which fires after the check with its verdict but
 * without the options (so every check shows, audited or not).
 *
 * Specialised by -D only: the shared filters (-p --cgroup --cgroupmap --mntnsmap --exec,
 * bpf-src/bct_filter.bpf.h) and cmd/capable.c's own:
 *   FILTER_AUDIT       drop the checks made with CAP_OPT_NOAUDIT (without -v; kprobe only)
 *   UNIQUE             one event per capability and process (--unique)
 *   UNIQUE_CGROUP      ... per capability and cgroup instead (--unique with --cgroupmap)
 *   CAPABLE_STACKS     -K/-U: record the stacks (BCT_STACK_NO_USER / BCT_STACK_NO_KERNEL: one)
 * Credit: the original BCC capable is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "capable.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#ifdef CAPABLE_STACKS
#include "bct_stack.bpf.h"
#endif

char LICENSE[] SEC("license") = "GPL";

/* include/linux/security.h's cap_opt bits */
#define OPT_NOAUDIT (1 << 1)
#define OPT_INSETID (1 << 2)

#ifdef UNIQUE
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct capable_seen_key);
	__type(value, __u8);
} seen SEC(".maps");
#endif

static __always_inline int handle(void *ctx, int cap, int audit, int insetid, int ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct capable_event *e;
	__s32 kstack = -1, ustack = -1;

	if (!bct_filter_pass())
		return 0;
#ifdef CAPABLE_STACKS
	kstack = bct_stack_kernel(ctx);
	ustack = bct_stack_user(ctx);
#endif
#ifdef UNIQUE
	{
		struct capable_seen_key k = { .cap = cap, .kstack = kstack, .ustack = ustack };
		__u8 one = 1;

#ifdef UNIQUE_CGROUP
		k.id = bpf_get_current_cgroup_id();
#else
		k.id = id >> 32;
#endif
		if (bpf_map_update_elem(&seen, &k, &one, BPF_NOEXIST))
			return 0; /* seen before (or the set is full) */
	}
#endif
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->cap = cap;
	e->audit = audit;
	e->insetid = insetid;
	e->ret = ret;
	e->kstack = kstack;
	e->ustack = ustack;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
	return 0;
}

/* Method "kprobe": cap_capable(cred, ns, cap, opts), as BCC attaches. */
SEC("kprobe/cap_capable")
int BPF_KPROBE(kp_cap_capable, void *cred, void *ns, int cap, unsigned int opts)
{
	int audit = (opts & OPT_NOAUDIT) == 0;

#ifdef FILTER_AUDIT
	if (!audit)
		return 0;
#endif
	return handle(ctx, cap, audit, (opts & OPT_INSETID) != 0, CAPABLE_NO_VERDICT);
}

/* Method "tracepoint": capability:cap_capable, after the check: its verdict, no cap_opt. */
SEC("tracepoint/capability/cap_capable")
int tp_cap_capable(struct trace_event_raw_cap_capable *ctx)
{
	return handle(ctx, ctx->cap, CAPABLE_UNKNOWN, CAPABLE_UNKNOWN, ctx->ret);
}
