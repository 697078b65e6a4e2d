// SPDX-License-Identifier: Apache-2.0
/*
 * futexctn: the time futex(FUTEX_WAIT) calls sleep, per futex word and thread (or process),
 * as log2 histograms with the count, sum, smallest and largest wait.
 *
 * The syscall's own tracepoints, as libbpf-tools uses them: at sys_enter_futex a FUTEX_WAIT
 * (with or without FUTEX_PRIVATE_FLAG / FUTEX_CLOCK_REALTIME) records its word and the time per
 * thread; at sys_exit_futex a wait that returned 0 (woken) is counted, one that failed
 * (EAGAIN: the word had changed, ETIMEDOUT, EINTR) is not.
 *
 * Defines (set by cmd/futexctn.c), besides the shared -p/-t filters:
 *   FUTEXCTN_MS        -m: milliseconds (default microseconds)
 *   FUTEXCTN_PER_PID   -s: key by process ID instead of thread ID, without stacks
 *   FUTEXCTN_STACK_DEPTH=n, FUTEXCTN_STACK_ENTRIES=n
 *                      without -s: the user stack of each wait, kept in stackmap (frames per
 *                      stack, stacks), and part of the key
 *   FUTEXCTN_LOCK=a    -l: only the futex word at address a
 * Credit: the original libbpf-tools futexctn is by Wenbo Zhang.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "futexctn.h"
#define BCT_HIST_SLOTS FUTEXCTN_SLOTS
#define BCT_HIST_SUM
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define OP_WAIT 0
#define OP_CMD_MASK (~(128 | 256)) /* FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME */

struct wait_start {
	__u64 ts;
	__u64 uaddr;
};

/* The current wait of each thread. LRU: a thread killed in its wait leaves its entry behind. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FUTEXCTN_MAX_KEYS);
	__type(key, __u64);
	__type(value, struct wait_start);
} starts SEC(".maps");

BCT_HIST_MAP(hists, struct futexctn_key, FUTEXCTN_MAX_KEYS);

#ifndef FUTEXCTN_PER_PID
#ifndef FUTEXCTN_STACK_DEPTH
#define FUTEXCTN_STACK_DEPTH 127 /* libbpf-tools' --perf-max-stack-depth default */
#endif
#ifndef FUTEXCTN_STACK_ENTRIES
#define FUTEXCTN_STACK_ENTRIES 1024 /* its --stack-storage-size default */
#endif
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, (FUTEXCTN_STACK_DEPTH) * sizeof(__u64));
	__uint(max_entries, FUTEXCTN_STACK_ENTRIES);
} stackmap SEC(".maps");
#endif

SEC("tracepoint/syscalls/sys_enter_futex")
int futex_enter(struct syscall_trace_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct wait_start st;

	if (((int)ctx->args[1] & OP_CMD_MASK) != OP_WAIT)
		return 0;
	st.uaddr = ctx->args[0];
#ifdef FUTEXCTN_LOCK
	if (st.uaddr != (__u64)(FUTEXCTN_LOCK))
		return 0;
#endif
	if (!bct_filter_pass())
		return 0;
	st.ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&starts, &id, &st, BPF_ANY))
		bct_count_lost();
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_futex")
int futex_exit(struct syscall_trace_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns(), delta, old;
	struct futexctn_key key = {};
	struct wait_start *st;
	struct bct_hist *h;

	st = bpf_map_lookup_elem(&starts, &id);
	if (!st)
		return 0;
	if (ctx->ret < 0 || now < st->ts)
		goto done;
	delta = now - st->ts;
#ifdef FUTEXCTN_MS
	delta /= 1000000;
#else
	delta /= 1000;
#endif
	key.uaddr = st->uaddr;
	key.pid = id >> 32;
#ifdef FUTEXCTN_PER_PID
	key.id = id >> 32;
	key.stack_id = -1;
#else
	key.id = (__u32)id;
	key.stack_id = bpf_get_stackid(ctx, &stackmap, BPF_F_USER_STACK);
#endif
	h = bct_hist_lookup(&hists, &key);
	if (!h)
		goto done;
	{
		unsigned int slot = bct_log2_slot(delta);

		if (slot >= FUTEXCTN_LOG2)
			slot = FUTEXCTN_LOG2 - 1;
		bct_hist_add(h, slot, delta);
	}
	old = h->slots[FUTEXCTN_MIN];
	if (!old || delta + 1 < old)
		__sync_val_compare_and_swap(&h->slots[FUTEXCTN_MIN], old, delta + 1);
	old = h->slots[FUTEXCTN_MAX];
	if (delta > old)
		__sync_val_compare_and_swap(&h->slots[FUTEXCTN_MAX], old, delta);
	bpf_get_current_comm(&h->slots[FUTEXCTN_COMM], FUTEXCTN_COMM_LEN);
done:
	bpf_map_delete_elem(&starts, &id);
	return 0;
}
