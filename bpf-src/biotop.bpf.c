// SPDX-License-Identifier: Apache-2.0
/*
 * biotop: block I/O by process, disk and direction, counted per interval (bytes, summed
 * latency in microseconds, requests) in the histogram kit's map, which cmd/biotop.c drains and
 * prints top-like.
 *
 * Three points in a request's life, one hook (cmd/biotop.c), so all three programs come from
 * the same method and agree on the map keys (the request's address):
 *   start     the request is created and accounted: who (pid, comm)
 *   issue     the request goes to the device driver: the latency clock starts; its size
 *   complete  the row of (who, direction, disk) is counted
 *
 * Attach methods, best first: kprobe (BCC's functions), tp_btf, raw_tp (block_io_start,
 * block_rq_issue, block_rq_complete).
 *
 * Defines: FILTER_PID (-p): only requests created by that process (bct_filter.bpf.h).
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "biotop.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_block.bpf.h"
#define BCT_HIST_SLOTS BIOTOP_SLOTS
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, struct biotop_key, BIOTOP_MAX_KEYS);

struct issue_val {
	__u64 ts;
	__u64 len;
};

struct who_val {
	__u32 pid;
	__u32 pad;
	char comm[BIOTOP_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct issue_val);
} issued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct who_val);
} who SEC(".maps");

static __always_inline int rq_start(struct request *rq)
{
	__u64 k = (__u64)rq;
	struct who_val v = {};

	if (!bct_filter_pass())
		return 0;
	v.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(v.comm, sizeof(v.comm));
	if (bpf_map_update_elem(&who, &k, &v, BPF_ANY))
		bct_count_lost();
	return 0;
}

static __always_inline int rq_issue(struct request *rq, bool btf)
{
	__u64 k = (__u64)rq;
	struct issue_val v = { .ts = bpf_ktime_get_ns() };

	v.len = BCT_RQ_READ(btf, rq, __data_len);
	if (bpf_map_update_elem(&issued, &k, &v, BPF_ANY))
		bct_count_lost();
	return 0;
}

static __always_inline int rq_done(struct request *rq, unsigned int nr_bytes, bool btf)
{
	__u64 k = (__u64)rq;
	struct biotop_key key = {};
	struct issue_val *iss;
	struct who_val *w;
	struct bct_hist *h;
	__u64 delta;

	if (bct_rq_partial(rq, nr_bytes, btf))
		return 0;
	iss = bpf_map_lookup_elem(&issued, &k);
	if (!iss)
		return 0; /* issued before we started */
	w = bpf_map_lookup_elem(&who, &k);
#ifdef FILTER_PID
	if (!w)
		goto out; /* as BCC: an unknown creator is not the PID asked for */
#endif
	if (w) {
		key.pid = w->pid;
		__builtin_memcpy(key.comm, w->comm, sizeof(key.comm));
	}
	key.write = bct_rq_write(rq, btf);
	key.dev = bct_rq_dev(rq, btf);
	delta = (bpf_ktime_get_ns() - iss->ts) / 1000;
	h = bct_hist_lookup(&hists, &key);
	if (h) {
		__sync_fetch_and_add(&h->slots[BIOTOP_BYTES], iss->len);
		__sync_fetch_and_add(&h->slots[BIOTOP_US], delta);
		__sync_fetch_and_add(&h->slots[BIOTOP_IO], 1);
	}
#ifdef FILTER_PID
out:
#endif
	bpf_map_delete_elem(&issued, &k);
	bpf_map_delete_elem(&who, &k);
	return 0;
}

SEC("kprobe/blk_account_io_start")
int BPF_KPROBE(bt_start_kp, struct request *rq)
{
	return rq_start(rq);
}

SEC("kprobe/__blk_account_io_start")
int BPF_KPROBE(bt_start_kp2, struct request *rq)
{
	return rq_start(rq);
}

SEC("kprobe/blk_mq_start_request")
int BPF_KPROBE(bt_issue_kp, struct request *rq)
{
	return rq_issue(rq, false);
}

SEC("kprobe/blk_account_io_done")
int BPF_KPROBE(bt_done_kp, struct request *rq)
{
	return rq_done(rq, 0, false);
}

SEC("kprobe/__blk_account_io_done")
int BPF_KPROBE(bt_done_kp2, struct request *rq)
{
	return rq_done(rq, 0, false);
}

SEC("tp_btf/block_io_start")
int bt_start_btf(__u64 *ctx)
{
	return rq_start((void *)ctx[0]);
}

SEC("tp_btf/block_rq_issue")
int bt_issue_btf(__u64 *ctx)
{
	return rq_issue(bct_rq_issue_arg(ctx), true);
}

SEC("tp_btf/block_rq_complete")
int bt_done_btf(__u64 *ctx)
{
	return rq_done((void *)ctx[0], (unsigned int)ctx[2], true);
}

SEC("raw_tp/block_io_start")
int bt_start_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return rq_start((void *)ctx->args[0]);
}

SEC("raw_tp/block_rq_issue")
int bt_issue_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return rq_issue(bct_rq_issue_arg(ctx->args), false);
}

SEC("raw_tp/block_rq_complete")
int bt_done_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return rq_done((void *)ctx->args[0], (unsigned int)ctx->args[2], false);
}
