// SPDX-License-Identifier: Apache-2.0
/*
 * biosnoop: one event per completed block I/O request, with the process that created it, the
 * disk, the operation, the sector, the size, the time queued in the OS and the device latency.
 *
 * Three points in a request's life (cmd/biosnoop.c declares them as one hook, so all three
 * programs come from the same method and agree on the map keys):
 *   start     the request is created and accounted: who (pid, comm) and when (for -Q)
 *   issue     the request goes to the device driver: the latency clock starts; its size
 *   complete  the device is done with it: the event
 *
 * Attach methods, best first:
 *   kprobe      BCC's functions: blk_account_io_start (or __blk_account_io_start),
 *               blk_mq_start_request, blk_account_io_done (or __blk_account_io_done)
 *   tp_btf      block_io_start, block_rq_issue, block_rq_complete, request address as key
 *   raw_tp      the same tracepoints, same key
 *   tracepoint  block:block_io_start, block_rq_issue, block_rq_complete: no request address,
 *               so the key is (dev, sector), and the operation comes from the rwbs text
 *
 * Defines (set by cmd/biosnoop.c):
 *   FILTER_DEV           -d: only this disk (bct_block.bpf.h)
 *   BIOSNOOP_PATTERN     -P: classify each request as sequential or random per disk
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "biosnoop.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_block.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* A request: its address, or (sector, dev) for the tracepoint method. */
struct req_key {
	__u64 id;
	__u32 dev;
	__u32 pad;
};

/* Issued: when, and how many bytes. */
struct issue_val {
	__u64 ts;
	__u64 len;
};

/* Started: when, by whom. */
struct start_val {
	__u64 ts;
	__u32 pid;
	__u32 pad;
	char comm[BIOSNOOP_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct req_key);
	__type(value, struct issue_val);
} issued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct req_key);
	__type(value, struct start_val);
} started SEC(".maps");

#ifdef BIOSNOOP_PATTERN
/* -P: per disk, the sector just after the last completed request */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} last_sector SEC(".maps");
#endif

static __always_inline void record_start(const struct req_key *k)
{
	struct start_val v = { .ts = bpf_ktime_get_ns() };

	v.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(v.comm, sizeof(v.comm));
	if (bpf_map_update_elem(&started, k, &v, BPF_ANY))
		bct_count_lost();
}

static __always_inline void record_issue(const struct req_key *k, __u64 len)
{
	struct issue_val v = { .ts = bpf_ktime_get_ns(), .len = len };

	if (bpf_map_update_elem(&issued, k, &v, BPF_ANY))
		bct_count_lost();
}

/*
 * The completion: an event when the request was seen issued. k: the map key; the rest
 * describes the request at completion.
 */
static __always_inline int emit(void *ctx, const struct req_key *k, __u32 dev, __u64 sector,
				bool write)
{
	struct issue_val *iss = bpf_map_lookup_elem(&issued, k);
	struct start_val *st;
	struct biosnoop_event *e;
	__u64 now;

	if (!iss)
		return 0; /* issued before we started, or filtered out */
	now = bpf_ktime_get_ns();
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		goto out;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts = now;
	e->delta = now - iss->ts;
	e->len = iss->len;
	e->sector = sector;
	e->dev = dev;
	e->write = write;
	st = bpf_map_lookup_elem(&started, k);
	if (st) {
		e->has_info = 1;
		e->pid = st->pid;
		if (iss->ts > st->ts)
			e->qdelta = iss->ts - st->ts;
		__builtin_memcpy(e->comm, st->comm, sizeof(e->comm));
	} else {
		e->comm[0] = '?';
	}
#ifdef BIOSNOOP_PATTERN
	{
		__u64 *last = bpf_map_lookup_elem(&last_sector, &dev);
		__u64 next = sector + e->len / 512;

		e->pattern = BIOSNOOP_UNKNOWN;
		if (last)
			e->pattern = *last == sector ? BIOSNOOP_SEQUENTIAL : BIOSNOOP_RANDOM;
		bpf_map_update_elem(&last_sector, &dev, &next, BPF_ANY);
	}
#endif
	bct_event_submit(e, sizeof(*e));
out:
	bpf_map_delete_elem(&issued, k);
	bpf_map_delete_elem(&started, k);
	return 0;
}

/* --- requests (kprobe, tp_btf, raw_tp) ----------------------------------------------------- */

static __always_inline int rq_start(struct request *rq, bool btf)
{
	struct req_key k = { .id = (__u64)rq };

	if (!bct_filter_rq(rq, btf))
		return 0;
	record_start(&k);
	return 0;
}

static __always_inline int rq_issue(struct request *rq, bool btf)
{
	struct req_key k = { .id = (__u64)rq };

	if (!bct_filter_rq(rq, btf))
		return 0;
	record_issue(&k, BCT_RQ_READ(btf, rq, __data_len));
	return 0;
}

/* nr_bytes: what this completion covers (0: all of it). */
static __always_inline int rq_done(void *ctx, struct request *rq, unsigned int nr_bytes, bool btf)
{
	struct req_key k = { .id = (__u64)rq };

	/* a partial completion: the request goes on */
	if (bct_rq_partial(rq, nr_bytes, btf))
		return 0;
	return emit(ctx, &k, bct_rq_dev(rq, btf), BCT_RQ_READ(btf, rq, __sector),
		    bct_rq_write(rq, btf));
}

SEC("kprobe/blk_account_io_start")
int BPF_KPROBE(bs_start_kp, struct request *rq)
{
	return rq_start(rq, false);
}

SEC("kprobe/__blk_account_io_start")
int BPF_KPROBE(bs_start_kp2, struct request *rq)
{
	return rq_start(rq, false);
}

SEC("kprobe/blk_mq_start_request")
int BPF_KPROBE(bs_issue_kp, struct request *rq)
{
	return rq_issue(rq, false);
}

SEC("kprobe/blk_account_io_done")
int BPF_KPROBE(bs_done_kp, struct request *rq)
{
	return rq_done(ctx, rq, 0, false);
}

SEC("kprobe/__blk_account_io_done")
int BPF_KPROBE(bs_done_kp2, struct request *rq)
{
	return rq_done(ctx, rq, 0, false);
}

SEC("tp_btf/block_io_start")
int bs_start_btf(__u64 *ctx)
{
	return rq_start((void *)ctx[0], true);
}

SEC("tp_btf/block_rq_issue")
int bs_issue_btf(__u64 *ctx)
{
	return rq_issue(bct_rq_issue_arg(ctx), true);
}

SEC("tp_btf/block_rq_complete")
int bs_done_btf(__u64 *ctx)
{
	return rq_done(ctx, (void *)ctx[0], (unsigned int)ctx[2], true);
}

SEC("raw_tp/block_io_start")
int bs_start_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return rq_start((void *)ctx->args[0], false);
}

SEC("raw_tp/block_rq_issue")
int bs_issue_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return rq_issue(bct_rq_issue_arg(ctx->args), false);
}

SEC("raw_tp/block_rq_complete")
int bs_done_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return rq_done(ctx, (void *)ctx->args[0], (unsigned int)ctx->args[2], false);
}

/* --- block:* trace events ------------------------------------------------------------------ */

SEC("tracepoint/block/block_io_start")
int bs_start_tp(struct trace_event_raw_block_rq *ctx)
{
	struct req_key k = { .id = ctx->sector, .dev = ctx->dev };

	if (!bct_filter_dev(ctx->dev))
		return 0;
	record_start(&k);
	return 0;
}

SEC("tracepoint/block/block_rq_issue")
int bs_issue_tp(struct trace_event_raw_block_rq *ctx)
{
	struct req_key k = { .id = ctx->sector, .dev = ctx->dev };

	if (!bct_filter_dev(ctx->dev))
		return 0;
	record_issue(&k, ctx->bytes);
	return 0;
}

/*
 * The operation from the rwbs text (blk_fill_rwbs()): an optional 'F' (preflush) before the
 * operation letter; BCC's T column is W for a write, R for anything else.
 */
SEC("tracepoint/block/block_rq_complete")
int bs_done_tp(struct trace_event_raw_block_rq_completion *ctx)
{
	struct req_key k = { .id = ctx->sector, .dev = ctx->dev };
	char rwbs[2] = {};

	bpf_probe_read_kernel(rwbs, sizeof(rwbs), ctx->rwbs);
	if (rwbs[0] == 'F' && rwbs[1] == 'W')
		rwbs[0] = 'W';
	return emit(ctx, &k, ctx->dev, ctx->sector, rwbs[0] == 'W');
}
