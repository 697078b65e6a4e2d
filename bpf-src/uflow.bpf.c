// SPDX-License-Identifier: Apache-2.0
/*
 * uflow: every method entry and return of a language runtime (its USDT probes), with the
 * thread's call depth.
 *
 * cmd/uflow.c attaches uf_entry and uf_return to the language's entry and return probes
 * (Ruby has two pairs: the pair's index is the attach cookie's high half) and defines the
 * argument readers (E0/R0, E1/R1: lib/usdt_args.h) and the positions CLASS_ARG (none: no
 * class) and METHOD_ARG. The -C and -M prefixes are matched in user space.
 * Credit: the original BCC uflow is by Sasha Goldshtein.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "uflow.h"
#include "ulang.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} depths SEC(".maps");

#ifdef CLASS_ARG
#define READ_CLASS(id, e) UARG_STR(id, CLASS_ARG, e->clazz)
#else
#define READ_CLASS(id, e) \
	do {              \
	} while (0)
#endif
#define READ(id, e)                                  \
	do {                                         \
		READ_CLASS(id, e);                   \
		UARG_STR(id, METHOD_ARG, e->method); \
	} while (0)

static __always_inline int flow(struct pt_regs *ctx, bool ret)
{
	__u32 pair = (__u32)(bpf_get_attach_cookie(ctx) >> 32);
	__u64 pid_tgid = bpf_get_current_pid_tgid(), zero = 0, *depth;
	struct uflow_event *e;

	if (!bct_filter_pass())
		return 0;
	depth = bpf_map_lookup_elem(&depths, &pid_tgid);
	if (!depth) {
		bpf_map_update_elem(&depths, &pid_tgid, &zero, BPF_NOEXIST);
		depth = bpf_map_lookup_elem(&depths, &pid_tgid);
		if (!depth)
			return 0;
	}
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->pid_tgid = pid_tgid;
	e->cpu = bpf_get_smp_processor_id();
	if (!ret) {
		e->depth = *depth + 1;
		*depth += 1;
	} else {
		e->depth = *depth | UFLOW_RETURN;
		if (*depth)
			*depth -= 1;
	}
#if defined(METHOD_ARG) && defined(BCT_USDT_E0_NARGS) && defined(BCT_USDT_R0_NARGS)
	if (!ret) {
		if (pair == 0)
			READ(E0, e);
#ifdef BCT_USDT_E1_NARGS
		else
			READ(E1, e);
#endif
	} else {
		if (pair == 0)
			READ(R0, e);
#ifdef BCT_USDT_R1_NARGS
		else
			READ(R1, e);
#endif
	}
#endif
	(void)pair;
	bct_event_submit(e, sizeof(*e));
	return 0;
}

SEC("uprobe")
int uf_entry(struct pt_regs *ctx)
{
	return flow(ctx, false);
}

SEC("uprobe")
int uf_return(struct pt_regs *ctx)
{
	return flow(ctx, true);
}
