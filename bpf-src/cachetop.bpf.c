// SPDX-License-Identifier: Apache-2.0
/*
 * cachetop: cachestat's page cache counters per process, user and command, in the histogram
 * kit's map, drained by cmd/cachetop.c each interval.
 *
 * The hooks are bpf-src/page_cache.bpf.h's (cachestat's). Each is counted for the process current when it fires. Filter: the shared -p.
 * Credit: the original BCC cachetop is by Emmanuel Bretelle.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "cachetop.h"
#define BCT_HIST_SLOTS PAGE_CACHE_SLOTS
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, struct cachetop_key, CACHETOP_MAX_KEYS);

static __always_inline int page_cache_add(int slot, __u64 n)
{
	struct cachetop_key key = {};
	struct bct_hist *h;

	if (!bct_filter_pass())
		return 0;
	key.pid = bpf_get_current_pid_tgid() >> 32;
	key.uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	h = bct_hist_lookup(&hists, &key);
	if (h && slot >= 0 && slot < PAGE_CACHE_SLOTS)
		__sync_fetch_and_add(&h->slots[slot], n);
	return 0;
}

#include "page_cache.bpf.h"
