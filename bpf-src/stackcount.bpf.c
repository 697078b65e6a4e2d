// SPDX-License-Identifier: Apache-2.0
/*
 * stackcount: counts the stacks that reach the probes user space attached.
 *
 * One program per attach kind (tracepoint, uprobe) is attached once per matched tracepoint,
 * function or USDT location. Each hit adds one to the count of its key {process (SC_PERPID),
 * kernel stack, user stack, comm (SC_PERPID)}. Without SC_PERPID the stacks of every process
 * count together; sym_pids then keeps, per user stack, the last process that had it, so user
 * space can name its frames. Filters: FILTER_PID (-p), SC_CPU (-c).
 * Credit: the original BCC stackcount is by Brendan Gregg and Sasha Goldshtein.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_stack.bpf.h"
#include "stackcount.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sc_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __s32);
	__type(value, __u32);
} sym_pids SEC(".maps");

static const __u64 sc_one = 1;

static __always_inline int sc_count(void *ctx)
{
	struct sc_key key = {};
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 *v;

#ifdef SC_CPU
	if (bpf_get_smp_processor_id() != SC_CPU)
		return 0;
#endif
	if (!bct_filter_pass())
		return 0;
#ifdef SC_PERPID
	key.tgid = tgid;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
#else
	key.tgid = SC_NO_PID;
#endif
	key.kernel_stack_id = bct_stack_kernel(ctx);
	key.user_stack_id = bct_stack_user(ctx);
	if (key.user_stack_id >= 0)
		bpf_map_update_elem(&sym_pids, &key.user_stack_id, &tgid, BPF_ANY);
	v = bpf_map_lookup_elem(&counts, &key);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return 0;
	}
	if (bpf_map_update_elem(&counts, &key, &sc_one, BPF_NOEXIST)) {
		v = bpf_map_lookup_elem(&counts, &key);
		if (v)
			__sync_fetch_and_add(v, 1);
		else
			bct_count_lost();
	}
	return 0;
}

SEC("tracepoint")
int sc_tracepoint(void *ctx)
{
	return sc_count(ctx);
}

SEC("uprobe")
int sc_uprobe(struct pt_regs *ctx)
{
	return sc_count(ctx);
}
