// SPDX-License-Identifier: Apache-2.0
/*
 * klockstat: time spent waiting for contended kernel locks, per kernel stack of the waiter.
 *
 * The lock:contention_begin / contention_end tracepoints (every lock type: mutexes, rwsems,
 * spinlocks, ...) fire only when a lock is contended: the time between them is the wait, BCC's
 * "spin" time. There are no hold times (BCC takes them from kprobes on mutex_lock and
 * mutex_unlock, which this method does not have). Waits are keyed by thread and lock, so a
 * spinlock contended while waiting for a mutex is timed on its own.
 * Defines: the shared filters -p/-t (bct_filter.bpf.h), BCT_STACK_STORAGE
 * (--stack-storage-size).
 * Credit: the original BCC klockstat is by Jiri Olsa.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "klockstat.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_stack.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct wait_key {
	__u64 lock;
	__u32 tid;
	__u32 pad;
};

struct wait {
	__u64 ts;
	__s64 stack_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct wait_key);
	__type(value, struct wait);
} waits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KLOCKSTAT_MAX_STACKS);
	__type(key, __s64); /* stack id, or -errno */
	__type(value, struct klockstat_stat);
} stats SEC(".maps");

static __always_inline int begin(void *ctx, __u64 lock)
{
	struct wait_key k = { .lock = lock, .tid = (__u32)bpf_get_current_pid_tgid() };
	struct wait w = {};

	if (!bct_filter_pass())
		return 0;
	w.ts = bpf_ktime_get_ns();
	w.stack_id = bct_stack_kernel(ctx);
	if (bpf_map_update_elem(&waits, &k, &w, BPF_ANY))
		bct_count_lost();
	return 0;
}

static __always_inline int end(__u64 lock)
{
	struct wait_key k = { .lock = lock, .tid = (__u32)bpf_get_current_pid_tgid() };
	struct klockstat_stat *st, zero = {};
	struct wait *w = bpf_map_lookup_elem(&waits, &k);
	__s64 id;
	__u64 d;

	if (!w)
		return 0;
	d = bpf_ktime_get_ns() - w->ts;
	id = w->stack_id;
	bpf_map_delete_elem(&waits, &k);
	st = bpf_map_lookup_elem(&stats, &id);
	if (!st) {
		bpf_map_update_elem(&stats, &id, &zero, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&stats, &id);
		if (!st) {
			bct_count_lost();
			return 0;
		}
	}
	__sync_fetch_and_add(&st->count, 1);
	__sync_fetch_and_add(&st->total_ns, d);
	if (d > st->max_ns)
		st->max_ns = d;
	st->lock_addr = lock;
	return 0;
}

SEC("tp_btf/contention_begin")
int kls_begin_btf(__u64 *ctx)
{
	return begin(ctx, ctx[0]);
}

SEC("tp_btf/contention_end")
int kls_end_btf(__u64 *ctx)
{
	return end(ctx[0]);
}

SEC("tracepoint/lock/contention_begin")
int kls_begin_tp(struct trace_event_raw_contention_begin *ctx)
{
	return begin(ctx, (__u64)ctx->lock_addr);
}

SEC("tracepoint/lock/contention_end")
int kls_end_tp(struct trace_event_raw_contention_end *ctx)
{
	return end((__u64)ctx->lock_addr);
}
