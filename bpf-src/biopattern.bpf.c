// SPDX-License-Identifier: Apache-2.0
/*
 * biopattern: per disk, how many completed block requests began where the previous one on the
 * same disk ended (sequential) and how many began elsewhere (random), and their bytes.
 *
 * Attach methods, best first (cmd/biopattern.c): block_rq_complete as tp_btf, raw_tp, or the
 * block:block_rq_complete tracepoint BCC uses; all three see the same completions.
 *
 * Defines: FILTER_DEV (-d: only this disk, bct_block.bpf.h).
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "biopattern.h"
#define BCT_HIST_SLOTS BIOPAT_SLOTS
#include "bct_hist.bpf.h"
#include "bct_block.bpf.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, __u32, BIOPAT_MAX_DISKS);

static __always_inline int account(__u32 dev, __u64 sector, __u32 nr_sector)
{
	struct bct_hist *c;
	__u64 last;

	if (!bct_filter_dev(dev))
		return 0;
	c = bct_hist_lookup(&hists, &dev);
	if (!c)
		return 0;
	last = c->slots[BIOPAT_LAST];
	if (last) {
		if (last == sector)
			__sync_fetch_and_add(&c->slots[BIOPAT_SEQ], 1);
		else
			__sync_fetch_and_add(&c->slots[BIOPAT_RND], 1);
		__sync_fetch_and_add(&c->slots[BIOPAT_BYTES], (__u64)nr_sector * 512);
	}
	c->slots[BIOPAT_LAST] = sector + nr_sector;
	return 0;
}

SEC("tp_btf/block_rq_complete")
int biopat_btf(__u64 *ctx)
{
	struct request *rq = (void *)ctx[0];

	return account(bct_rq_dev(rq, true), rq->__sector, (unsigned int)ctx[2] >> 9);
}

SEC("raw_tp/block_rq_complete")
int biopat_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct request *rq = (void *)ctx->args[0];

	return account(bct_rq_dev(rq, false), BPF_CORE_READ(rq, __sector),
		       (unsigned int)ctx->args[2] >> 9);
}

SEC("tracepoint/block/block_rq_complete")
int biopat_tp(struct trace_event_raw_block_rq_completion *ctx)
{
	return account(ctx->dev, ctx->sector, ctx->nr_sector);
}
