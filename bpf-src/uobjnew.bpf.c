// SPDX-License-Identifier: Apache-2.0
/*
 * uobjnew: allocations of one process counted per type (or, for C, per malloc() size): the
 * number and the bytes. C: a uprobe on libc's malloc(). Java: hotspot's object__alloc
 * (BCT_USDT_JA_ARGn: class name, its length, size). Ruby: object__create (class name),
 * string__create, hash__create and array__create (their first argument a size).
 * Tcl: obj__create. The argument readers are cmd/uobjnew.c's defines (lib/usdt_args.h).
 * Credit: the original BCC uobjnew is by Sasha Goldshtein.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "uobjnew.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct uobjnew_key);
	__type(value, struct uobjnew_val);
} allocs SEC(".maps");

static __always_inline void count(struct uobjnew_key *k, __u64 size)
{
	static const struct uobjnew_val zero;
	struct uobjnew_val *v;

	v = bpf_map_lookup_elem(&allocs, k);
	if (!v) {
		bpf_map_update_elem(&allocs, k, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&allocs, k);
		if (!v)
			return;
	}
	__sync_fetch_and_add(&v->total_size, size);
	__sync_fetch_and_add(&v->num_allocs, 1);
}

SEC("uprobe")
int uo_malloc(struct pt_regs *ctx)
{
	struct uobjnew_key k = {};

	if (!bct_filter_pass())
		return 0;
	k.size = PT_REGS_PARM1(ctx);
	count(&k, k.size);
	return 0;
}

/* object__alloc: (thread id, class name, its length, size) */
SEC("uprobe")
int uo_java(struct pt_regs *ctx)
{
	struct uobjnew_key k = {};
	__u64 size = 0;

	if (!bct_filter_pass())
		return 0;
#if defined(BCT_USDT_JA_NARGS) && BCT_USDT_JA_NARGS >= 4
	{
		/* the name is not NUL-terminated: read the array, then clear it past len */
		__u64 len = (__u32)BCT_USDT_JA_ARG3;
		int i;

		bpf_probe_read_user(k.name, sizeof(k.name), (void *)BCT_USDT_JA_ARG2);
		for (i = 0; i < UOBJNEW_NAME_LEN; i++)
			if (i >= len)
				k.name[i] = '\0';
		size = BCT_USDT_JA_ARG4;
	}
#endif
	count(&k, size);
	return 0;
}

/* object__create: (class name); its size is unknown */
SEC("uprobe")
int uo_ruby_object(struct pt_regs *ctx)
{
	struct uobjnew_key k = {};

	if (!bct_filter_pass())
		return 0;
#ifdef BCT_USDT_RO_NARGS
	bpf_probe_read_user(k.name, sizeof(k.name), (void *)BCT_USDT_RO_ARG1);
#endif
	count(&k, 0);
	return 0;
}

/* string__create, hash__create, array__create: (size, ...) */
#define RUBY_THING(fn, ID, thing)                         \
	SEC("uprobe")                                     \
	int fn(struct pt_regs *ctx)                       \
	{                                                 \
		struct uobjnew_key k = { .name = thing }; \
		if (!bct_filter_pass())                   \
			return 0;                         \
		count(&k, RUBY_SIZE_##ID);                \
		return 0;                                 \
	}
#ifdef BCT_USDT_RS_NARGS
#define RUBY_SIZE_RS BCT_USDT_RS_ARG1
#else
#define RUBY_SIZE_RS 0
#endif
#ifdef BCT_USDT_RH_NARGS
#define RUBY_SIZE_RH BCT_USDT_RH_ARG1
#else
#define RUBY_SIZE_RH 0
#endif
#ifdef BCT_USDT_RA_NARGS
#define RUBY_SIZE_RA BCT_USDT_RA_ARG1
#else
#define RUBY_SIZE_RA 0
#endif
RUBY_THING(uo_ruby_string, RS, "string")
RUBY_THING(uo_ruby_hash, RH, "hash")
RUBY_THING(uo_ruby_array, RA, "array")

SEC("uprobe")
int uo_tcl(struct pt_regs *ctx)
{
	struct uobjnew_key k = { .name = "<ALL>" };

	if (!bct_filter_pass())
		return 0;
	count(&k, 0);
	return 0;
}
