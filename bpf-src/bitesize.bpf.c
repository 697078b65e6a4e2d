// SPDX-License-Identifier: Apache-2.0
/*
 * bitesize: block I/O sizes, in Kbytes, as one log2 histogram per command name, counted when
 * each request is issued to the device driver (block_rq_issue), by the command running then.
 *
 * Attach methods, best first (cmd/bitesize.c): tp_btf, raw_tp, then BCC's block:block_rq_issue
 * trace event; all see the same requests.
 *
 * Defines (set by cmd/bitesize.c and the kit):
 *   BITESIZE_FILTER_DEV  -d: only this disk (kernel dev_t, major << 20 | minor)
 *   FILTER_COMM_*        -c: commands containing the text (bct_filter.bpf.h)
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_hist.bpf.h"
#include "bitesize.h"

#define MINORBITS 20 /* lib/disk.h */

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, struct bitesize_key, BITESIZE_MAX_HISTS);

/* Before 5.11, block_rq_issue took (struct request_queue *, struct request *). */
typedef void (*btf_trace_block_rq_issue___new)(void *, struct request *);

/* Before 5.17 (or so) the disk hung off the request itself. */
struct request___old {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

/* Plain loads for tp_btf's typed pointers, bpf_probe_read_kernel() for raw_tp. */
#define RQ_READ(btf, src, a, ...)                    \
	((btf) ? (src)->a __VA_OPT__(->) __VA_ARGS__ \
	       : BPF_CORE_READ(src, a __VA_OPT__(, ) __VA_ARGS__))

static __always_inline __u32 rq_dev(struct request *rq, bool btf)
{
	struct request___old *old = (void *)rq;
	struct gendisk *disk;

	if (bpf_core_field_exists(old->rq_disk))
		disk = RQ_READ(btf, old, rq_disk);
	else
		disk = RQ_READ(btf, rq, q, disk);
	if (!disk)
		return 0;
	return ((__u32)RQ_READ(btf, disk, major) << MINORBITS) |
	       (__u32)RQ_READ(btf, disk, first_minor);
}

static __always_inline int count(__u32 dev, __u64 bytes)
{
	struct bitesize_key key = {};

#ifdef BITESIZE_FILTER_DEV
	if (dev != (__u32)(BITESIZE_FILTER_DEV))
		return 0;
#endif
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	if (!bct_filter_comm(key.comm))
		return 0;
	bct_hist_log2(&hists, &key, bytes / 1024);
	return 0;
}

static __always_inline struct request *issue_arg(__u64 *args)
{
	if (bpf_core_type_matches(btf_trace_block_rq_issue___new))
		return (void *)args[0];
	return (void *)args[1];
}

SEC("tp_btf/block_rq_issue")
int bsz_issue_btf(__u64 *ctx)
{
	struct request *rq = issue_arg(ctx);

	return count(rq_dev(rq, true), rq->__data_len);
}

SEC("raw_tp/block_rq_issue")
int bsz_issue_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct request *rq = issue_arg(ctx->args);

	return count(rq_dev(rq, false), BPF_CORE_READ(rq, __data_len));
}

SEC("tracepoint/block/block_rq_issue")
int bsz_issue_tp(struct trace_event_raw_block_rq *ctx)
{
	return count(ctx->dev, ctx->bytes);
}
