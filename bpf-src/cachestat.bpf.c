// SPDX-License-Identifier: Apache-2.0
/*
 * cachestat: page cache counters, drained by cmd/cachestat.c each interval.
 *
 * The hooks are bpf-src/page_cache.bpf.h's, counted in the one entry (key 0) of the
 * histogram kit's map.
 * Credit: the original BCC cachestat is by Brendan Gregg and Allan McAleavy.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "page_cache.h"
#define BCT_HIST_SLOTS PAGE_CACHE_SLOTS
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, __u32, 1);

static __always_inline int page_cache_add(int slot, __u64 n)
{
	__u32 zero = 0;
	struct bct_hist *h = bct_hist_lookup(&hists, &zero);

	if (h && slot >= 0 && slot < PAGE_CACHE_SLOTS)
		__sync_fetch_and_add(&h->slots[slot], n);
	return 0;
}

#include "page_cache.bpf.h"
