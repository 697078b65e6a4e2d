// SPDX-License-Identifier: Apache-2.0
/*
 * ucalls: calls of a language runtime's methods (its USDT entry and return probes) and,
 * with -S, of system calls, counted per method (and timed with -L).
 *
 * cmd/ucalls.c attaches uc_entry (and uc_return with -L) to the probes of the process and
 * defines the readers of their arguments (lib/usdt_args.h): CLASS_ARG and METHOD_ARG are the
 * positions of the class (or file) and method name strings; no CLASS_ARG, no class. LATENCY
 * for -L. The syscall programs attach to raw_syscalls with -S only.
 * Credit: the original BCC ucalls is by Sasha Goldshtein.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "ucalls.h"
#include "ulang.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct ucalls_method);
	__type(value, struct ucalls_info);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct ucalls_entry);
	__type(value, __u64);
} entries SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct ucalls_info);
} syscounts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct ucalls_sysentry);
} sysentries SEC(".maps");

static __always_inline void add(void *map, const void *key, __u64 ns)
{
	struct ucalls_info zero = {}, *v;

	v = bpf_map_lookup_elem(map, key);
	if (!v) {
		bpf_map_update_elem(map, key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(map, key);
		if (!v) {
			bct_count_lost();
			return;
		}
	}
	__sync_fetch_and_add(&v->calls, 1);
	__sync_fetch_and_add(&v->total_ns, ns);
}

#if defined(BCT_USDT_ENTRY_NARGS) && defined(METHOD_ARG)
static __always_inline int read_method(struct pt_regs *ctx, struct ucalls_entry *e, bool ret)
{
	e->pid_tgid = bpf_get_current_pid_tgid();
	if (!bct_filter_pass())
		return -1;
	if (!ret) {
#ifdef CLASS_ARG
		UARG_STR(ENTRY, CLASS_ARG, e->m.clazz);
#endif
		UARG_STR(ENTRY, METHOD_ARG, e->m.method);
	} else {
#if defined(CLASS_ARG) && defined(BCT_USDT_RETURN_NARGS)
		UARG_STR(RETURN, CLASS_ARG, e->m.clazz);
#endif
#ifdef BCT_USDT_RETURN_NARGS
		UARG_STR(RETURN, METHOD_ARG, e->m.method);
#endif
	}
	return 0;
}

SEC("uprobe")
int uc_entry(struct pt_regs *ctx)
{
	struct ucalls_entry e = {};

	if (read_method(ctx, &e, false))
		return 0;
#ifdef LATENCY
	{
		__u64 ts = bpf_ktime_get_ns();

		bpf_map_update_elem(&entries, &e, &ts, BPF_ANY);
	}
#else
	add(&counts, &e.m, 0);
#endif
	return 0;
}

SEC("uprobe")
int uc_return(struct pt_regs *ctx)
{
	struct ucalls_entry e = {};
	__u64 *ts;

	if (read_method(ctx, &e, true))
		return 0;
	ts = bpf_map_lookup_elem(&entries, &e);
	if (!ts)
		return 0; /* its entry was before tracing began */
	add(&counts, &e.m, bpf_ktime_get_ns() - *ts);
	bpf_map_delete_elem(&entries, &e);
	return 0;
}
#else
SEC("uprobe")
int uc_entry(struct pt_regs *ctx)
{
	return 0;
}

SEC("uprobe")
int uc_return(struct pt_regs *ctx)
{
	return 0;
}
#endif

SEC("tracepoint/raw_syscalls/sys_enter")
int uc_sys_enter(struct trace_event_raw_sys_enter *args)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 id = (__u64)args->id;

	if (!bct_filter_pass())
		return 0;
#ifdef LATENCY
	{
		struct ucalls_sysentry e = { bpf_ktime_get_ns(), id };

		bpf_map_update_elem(&sysentries, &pid_tgid, &e, BPF_ANY);
	}
#else
	(void)pid_tgid;
	add(&syscounts, &id, 0);
#endif
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int uc_sys_exit(void *args)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ucalls_sysentry *e;

	if (!bct_filter_pass())
		return 0;
	e = bpf_map_lookup_elem(&sysentries, &pid_tgid);
	if (!e)
		return 0;
	add(&syscounts, &e->id, bpf_ktime_get_ns() - e->ts);
	bpf_map_delete_elem(&sysentries, &pid_tgid);
	return 0;
}
