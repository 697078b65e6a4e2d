// SPDX-License-Identifier: Apache-2.0
/*
 * wqlat: kernel workqueue latency, the time from a work item being queued to a worker starting
 * to execute it, as log2 histograms kept in the kernel (one per workqueue with -W).
 *
 * Attach method (one hook in cmd/wqlat.c; both programs come from it):
 *   tracepoint  workqueue:workqueue_queue_work and workqueue:workqueue_execute_start (BCC's)
 *
 * Defines (set by cmd/wqlat.c):
 *   WQLAT_FACTOR     ns per histogram unit: 1000 (usecs, default) or 1 (-N)
 *   WQLAT_PER_WQ     -W: one histogram per workqueue (key: struct wqlat_key)
 *   WQLAT_NAME0, WQLAT_NAME1, WQLAT_NAME2
 *                    -w: this workqueue only; its name, zero-padded to 24 bytes, as three
 *                    little-endian 64-bit words
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_hist.bpf.h"
#include "wqlat.h"

#ifndef WQLAT_FACTOR
#define WQLAT_FACTOR 1000
#endif

char LICENSE[] SEC("license") = "GPL";

struct queued {
	__u64 ts;
	struct wqlat_key name;
};

/* Works queued and not yet started, by the work's address. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WQLAT_MAX_START);
	__type(key, __u64);
	__type(value, struct queued);
} start SEC(".maps");

#ifdef WQLAT_PER_WQ
BCT_HIST_MAP(hists, struct wqlat_key, WQLAT_MAX_HISTS);
#else
BCT_HIST_MAP(hists, __u64, 1);
#endif

/* The tracepoints' records, as their format files give them. */
struct wq_queue_args {
	__u64 common;
	__u64 work;
	__u64 function;
	__u32 data_loc_workqueue; /* offset (low 16 bits) and length of the name */
	__s32 req_cpu;
	__s32 cpu;
};

struct wq_start_args {
	__u64 common;
	__u64 work;
	__u64 function;
};

SEC("tracepoint/workqueue/workqueue_queue_work")
int wq_queue(struct wq_queue_args *ctx)
{
	struct queued q = {};
	__u64 work = ctx->work;

	bpf_probe_read_kernel_str(q.name.name, sizeof(q.name.name),
				  (char *)ctx + (ctx->data_loc_workqueue & 0xffff));
#ifdef WQLAT_NAME0
	{
		__u64 *w = (__u64 *)q.name.name;

		if (w[0] != WQLAT_NAME0 || w[1] != WQLAT_NAME1 || w[2] != WQLAT_NAME2)
			return 0;
	}
#endif
	q.ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&start, &work, &q, BPF_ANY))
		bct_count_lost();
	return 0;
}

SEC("tracepoint/workqueue/workqueue_execute_start")
int wq_start(struct wq_start_args *ctx)
{
	__u64 work = ctx->work, now;
	struct queued *q;

	q = bpf_map_lookup_elem(&start, &work);
	if (!q)
		return 0; /* queued before we started, or filtered out */
	now = bpf_ktime_get_ns();
	if (now > q->ts) {
#ifdef WQLAT_PER_WQ
		struct wqlat_key key = q->name;
#else
		__u64 key = 0;
#endif
		bct_hist_log2(&hists, &key, (now - q->ts) / WQLAT_FACTOR);
	}
	bpf_map_delete_elem(&start, &work);
	return 0;
}
