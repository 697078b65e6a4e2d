// SPDX-License-Identifier: Apache-2.0
/*
 * ugc: garbage collections of a language runtime, from its USDT begin and end probes.
 *
 * cmd/ugc.c attaches ugc_begin and ugc_end to each begin/end pair of the language (LANG_JAVA,
 * LANG_NODE, LANG_PYTHON or LANG_RUBY) with the pair's index in the attach cookie's high half,
 * and defines the argument readers of the first pair (BCT_USDT_B0_ARGn, BCT_USDT_E0_ARGn:
 * lib/usdt_args.h). MIN_NS: -M. One event per collection that lasted at least MIN_NS.
 * Credit: the original BCC ugc is by Sasha Goldshtein.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "ugc.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef MIN_NS
#define MIN_NS 0
#endif

struct ugc_entry {
	__u64 start_ns;
	__u64 field1, field2;
};

/* per thread and begin/end pair: Java's pairs nest */
struct ugc_key {
	__u64 pid_tgid;
	__u64 pair;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct ugc_key);
	__type(value, struct ugc_entry);
} gc_entries SEC(".maps");

SEC("uprobe")
int ugc_begin(struct pt_regs *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 pair = (__u32)(bpf_get_attach_cookie(ctx) >> 32);
	struct ugc_entry e = {};

	if (!bct_filter_pass())
		return 0;
	e.start_ns = bpf_ktime_get_ns();
#if defined(LANG_JAVA) && defined(BCT_USDT_B0_NARGS) && BCT_USDT_B0_NARGS >= 8
	if (pair == 0) {
		e.field1 = BCT_USDT_B0_ARG6; /* used bytes */
		e.field2 = BCT_USDT_B0_ARG8; /* max bytes */
	}
#elif defined(LANG_PYTHON) && defined(BCT_USDT_B0_NARGS)
	e.field1 = BCT_USDT_B0_ARG1; /* generation */
#endif
	(void)pair;
	{
		struct ugc_key k = { pid_tgid, pair };

		bpf_map_update_elem(&gc_entries, &k, &e, BPF_ANY);
	}
	return 0;
}

SEC("uprobe")
int ugc_end(struct pt_regs *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 pair = (__u32)(bpf_get_attach_cookie(ctx) >> 32);
	struct ugc_key k = { pid_tgid, pair };
	struct ugc_entry *e;
	struct ugc_event *ev;
	__u64 elapsed;

	e = bpf_map_lookup_elem(&gc_entries, &k);
	if (!e)
		return 0; /* its begin was before tracing began */
	elapsed = bpf_ktime_get_ns() - e->start_ns;
	if (elapsed < MIN_NS) {
		bpf_map_delete_elem(&gc_entries, &k);
		return 0;
	}
	ev = bct_event_reserve(sizeof(*ev));
	if (!ev) {
		bpf_map_delete_elem(&gc_entries, &k);
		return 0;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->probe_index = pair;
	ev->elapsed_ns = elapsed;
	ev->pid = pid_tgid >> 32;
#if defined(LANG_JAVA) && defined(BCT_USDT_E0_NARGS) && BCT_USDT_E0_NARGS >= 8
	if (pair == 0) {
		ev->field1 = e->field1;
		ev->field2 = e->field2;
		ev->field3 = BCT_USDT_E0_ARG6;
		ev->field4 = BCT_USDT_E0_ARG8;
		bpf_probe_read_user_str(ev->string1, sizeof(ev->string1),
					(void *)BCT_USDT_E0_ARG1); /* manager */
		bpf_probe_read_user_str(ev->string2, sizeof(ev->string2),
					(void *)BCT_USDT_E0_ARG3); /* pool */
	}
#elif defined(LANG_NODE) && defined(BCT_USDT_E0_NARGS)
	ev->field1 = (__u32)BCT_USDT_E0_ARG1; /* GC type flags */
#elif defined(LANG_PYTHON) && defined(BCT_USDT_E0_NARGS)
	ev->field1 = e->field1;
	ev->field2 = BCT_USDT_E0_ARG1; /* objects collected */
#endif
	bpf_map_delete_elem(&gc_entries, &k);
	bct_event_submit(ev, sizeof(*ev));
	return 0;
}
