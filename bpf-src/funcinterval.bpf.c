// SPDX-License-Identifier: Apache-2.0
/*
 * funcinterval: the time between consecutive hits of a function or tracepoint, as a log2
 * histogram.
 *
 * User space attaches fi_uprobe or fi_tracepoint once per match. Each hit takes the time since
 * the previous hit of any of them (one global time stamp, as BCC keeps), divides it by
 * FI_FACTOR and counts it in the histogram; the first hit only sets the time stamp.
 * Credit: the original BCC funcinterval is by Edward Wu.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef FI_FACTOR
#define FI_FACTOR 1
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} last SEC(".maps");

BCT_HIST_MAP(hists, __u64, 1);

static __always_inline int fi_hit(void *ctx)
{
	__u64 ts = bpf_ktime_get_ns(), prev, key = 0;
	__u32 zero = 0;
	__u64 *tsp;

	if (!bct_filter_pass())
		return 0;
	tsp = bpf_map_lookup_elem(&last, &zero);
	if (!tsp)
		return 0;
	prev = __sync_lock_test_and_set(tsp, ts);
	if (prev && ts > prev)
		bct_hist_log2(&hists, &key, (ts - prev) / FI_FACTOR);
	return 0;
}

SEC("tracepoint")
int fi_tracepoint(void *ctx)
{
	return fi_hit(ctx);
}

SEC("uprobe")
int fi_uprobe(struct pt_regs *ctx)
{
	return fi_hit(ctx);
}
