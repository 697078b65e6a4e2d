// SPDX-License-Identifier: Apache-2.0
/*
 * bitesize: block I/O sizes, in Kbytes, as one log2 histogram per command name, counted when
 * each request is issued to the device driver (block_rq_issue), by the command running then.
 *
 * Attach methods, best first (cmd/bitesize.c): tp_btf, raw_tp, then BCC's block:block_rq_issue
 * trace event; all see the same requests.
 *
 * Defines (set by cmd/bitesize.c and the kit):
 *   FILTER_DEV           -d: only this disk (bct_block.bpf.h)
 *   FILTER_COMM_*        -c: commands containing the text (bct_filter.bpf.h)
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_block.bpf.h"
#include "bct_hist.bpf.h"
#include "bitesize.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, struct bitesize_key, BITESIZE_MAX_HISTS);

/* Before 5.11, block_rq_issue took (struct request_queue *, struct request *). */
typedef void (*btf_trace_block_rq_issue___new)(void *, struct request *);

static __always_inline int count(__u32 dev, __u64 bytes)
{
	struct bitesize_key key = {};

	if (!bct_filter_dev(dev))
		return 0;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	if (!bct_filter_comm(key.comm))
		return 0;
	bct_hist_log2(&hists, &key, bytes / 1024);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int bsz_issue_btf(__u64 *ctx)
{
	struct request *rq = bct_rq_issue_arg(ctx);

	return count(bct_rq_dev(rq, true), rq->__data_len);
}

SEC("raw_tp/block_rq_issue")
int bsz_issue_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct request *rq = bct_rq_issue_arg(ctx->args);

	return count(bct_rq_dev(rq, false), BPF_CORE_READ(rq, __data_len));
}

SEC("tracepoint/block/block_rq_issue")
int bsz_issue_tp(struct trace_event_raw_block_rq *ctx)
{
	return count(ctx->dev, ctx->bytes);
}
