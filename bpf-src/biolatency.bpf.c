// SPDX-License-Identifier: Apache-2.0
/*
 * biolatency: block I/O latency, from issue (or, with -Q, from insertion into the OS queue)
 * to completion, as log2 histograms kept in the kernel.
 *
 * Attach methods, best first (cmd/biolatency.c declares them as one hook, so the issue and
 * completion programs always come from the same method and agree on the start-map key):
 *   tp_btf      block_rq_insert / block_rq_issue / block_rq_complete, request pointer as key
 *   raw_tp      the same tracepoints, same key
 *   tracepoint  block:block_rq_*: no request pointer, so the key is (dev, sector) and -F
 *               flags come from the rwbs string (op, sync, meta, FUA, read-ahead only)
 *   kprobe      BCC's functions: blk_mq_start_request (or, -Q, blk_account_io_start) and
 *               blk_account_io_done, or the __blk_account_io_* names of older kernels
 *
 * Defines (set by cmd/biolatency.c):
 *   BIOLAT_FACTOR       ns per histogram unit: 1000 (usecs, default) or 1000000 (-m)
 *   BIOLAT_QUEUED       -Q: start at block_rq_insert when there is one
 *   BIOLAT_PER_DISK     -D: one histogram per disk (key: dev_t)
 *   BIOLAT_PER_FLAGS    -F: one histogram per flag set (key: BCC's flag layout)
 *   BIOLAT_EXTENSION    -e: also sum latencies and count them
 *   FILTER_DEV          -d: only this disk (bct_block.bpf.h)
 *   FILTER_CGROUP       --cgroup: only I/O issued by tasks in the cgroup (bct_filter.bpf.h)
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#ifdef BIOLAT_EXTENSION
#define BCT_HIST_SUM
#endif
#include "bct_hist.bpf.h"
#include "biolatency.h"

#ifndef BIOLAT_FACTOR
#define BIOLAT_FACTOR 1000
#endif

#include "bct_block.bpf.h"
#define EEXIST 17 /* vmlinux.h has no macros */

char LICENSE[] SEC("license") = "GPL";

/* In flight: when each request started. Key: the request, or (sector, dev) for tracepoints. */
struct start_key {
	__u64 id;
	__u32 dev;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct start_key);
	__type(value, __u64);
} start SEC(".maps");

BCT_HIST_MAP(hists, __u64, BIOLAT_MAX_HISTS);

/* Gone from newer kernels' BTF (5.18), so not in every vmlinux.h. */
enum req_op___old {
	REQ_OP_WRITE_SAME___old = 7,
};

/* --cgroup: whether the running task (issuing or queueing the request) is in the cgroup */
static __always_inline bool cgroup_allowed(void)
{
#ifdef FILTER_CGROUP
	return bct_filter_task(bpf_get_current_task_btf());
#else
	return true;
#endif
}

static __always_inline void record_start(const struct start_key *k, bool issue)
{
	__u64 ts = bpf_ktime_get_ns();

#ifdef BIOLAT_QUEUED
	/* -Q: keep the insertion time when the request had one */
	if (issue) {
		long err = bpf_map_update_elem(&start, k, &ts, BPF_NOEXIST);

		if (err && err != -EEXIST)
			bct_count_lost();
		return;
	}
#endif
	if (bpf_map_update_elem(&start, k, &ts, BPF_ANY))
		bct_count_lost();
}

static __always_inline void record_done(const struct start_key *k, __u64 hkey)
{
	__u64 *tsp, delta;

	tsp = bpf_map_lookup_elem(&start, k);
	if (!tsp)
		return; /* started before we did, or filtered out */
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, k);
	bct_hist_log2(&hists, &hkey, delta / BIOLAT_FACTOR);
}

/* --- requests (tp_btf, raw_tp, kprobe) ---------------------------------------------------- */

#define KERNEL_OP_OF(type, name) \
	(bpf_core_enum_value_exists(type, name) ? bpf_core_enum_value(type, name) : -1)
#define KERNEL_OP(name) KERNEL_OP_OF(enum req_op, name)
#define KERNEL_FLAG(f, name)                                     \
	(bpf_core_enum_value_exists(enum req_flag_bits, name) && \
	 ((f) & (1ULL << bpf_core_enum_value(enum req_flag_bits, name))))

/* The kernel's cmd_flags in BCC's numbering (bpf-src/biolatency.h). */
static __always_inline __u64 bcc_flags(__u64 f)
{
	int op = f & BIOLAT_OP_MASK;
	__u64 out;

	if (op == KERNEL_OP(REQ_OP_READ))
		out = BIOLAT_OP_READ;
	else if (op == KERNEL_OP(REQ_OP_WRITE))
		out = BIOLAT_OP_WRITE;
	else if (op == KERNEL_OP(REQ_OP_FLUSH))
		out = BIOLAT_OP_FLUSH;
	else if (op == KERNEL_OP(REQ_OP_DISCARD))
		out = BIOLAT_OP_DISCARD;
	else if (op == KERNEL_OP(REQ_OP_SECURE_ERASE))
		out = BIOLAT_OP_SECURE_ERASE;
	else if (op == KERNEL_OP(REQ_OP_ZONE_RESET))
		out = BIOLAT_OP_ZONE_RESET;
	else if (op == KERNEL_OP_OF(enum req_op___old, REQ_OP_WRITE_SAME___old))
		out = BIOLAT_OP_WRITE_SAME;
	else if (op == KERNEL_OP(REQ_OP_WRITE_ZEROES))
		out = BIOLAT_OP_WRITE_ZEROES;
	else
		out = BIOLAT_OP_UNKNOWN;

	if (KERNEL_FLAG(f, __REQ_SYNC))
		out |= BIOLAT_SYNC;
	if (KERNEL_FLAG(f, __REQ_META))
		out |= BIOLAT_META;
	if (KERNEL_FLAG(f, __REQ_PRIO))
		out |= BIOLAT_PRIO;
	if (KERNEL_FLAG(f, __REQ_NOMERGE))
		out |= BIOLAT_NOMERGE;
	if (KERNEL_FLAG(f, __REQ_IDLE))
		out |= BIOLAT_IDLE;
	if (KERNEL_FLAG(f, __REQ_FUA))
		out |= BIOLAT_FUA;
	if (KERNEL_FLAG(f, __REQ_RAHEAD))
		out |= BIOLAT_RAHEAD;
	if (KERNEL_FLAG(f, __REQ_BACKGROUND))
		out |= BIOLAT_BACKGROUND;
	if (KERNEL_FLAG(f, __REQ_NOWAIT))
		out |= BIOLAT_NOWAIT;
	return out;
}

static __always_inline int rq_start(struct request *rq, bool issue, bool btf)
{
	struct start_key k = { .id = (__u64)rq };

	if (!bct_filter_rq(rq, btf))
		return 0;
	if (!cgroup_allowed())
		return 0;
	record_start(&k, issue);
	return 0;
}

/* nr_bytes: what this completion covers (0: unknown, count it). */
static __always_inline int rq_done(struct request *rq, unsigned int nr_bytes, bool btf)
{
	struct start_key k = { .id = (__u64)rq };
	__u64 hkey = 0;

	/* a partial completion: the request goes on, so does its latency */
	if (nr_bytes && nr_bytes < BCT_RQ_READ(btf, rq, __data_len))
		return 0;
#if defined(BIOLAT_PER_DISK)
	hkey = bct_rq_dev(rq, btf);
#elif defined(BIOLAT_PER_FLAGS)
	hkey = bcc_flags(BCT_RQ_READ(btf, rq, cmd_flags));
#endif
	record_done(&k, hkey);
	return 0;
}

#ifdef BIOLAT_QUEUED
SEC("tp_btf/block_rq_insert")
int bio_ins_btf(__u64 *ctx)
{
	return rq_start(bct_rq_insert_arg(ctx), false, true);
}

SEC("raw_tp/block_rq_insert")
int bio_ins_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return rq_start(bct_rq_insert_arg(ctx->args), false, false);
}
#endif

SEC("tp_btf/block_rq_issue")
int bio_iss_btf(__u64 *ctx)
{
	return rq_start(bct_rq_issue_arg(ctx), true, true);
}

SEC("tp_btf/block_rq_complete")
int bio_done_btf(__u64 *ctx)
{
	return rq_done((void *)ctx[0], (unsigned int)ctx[2], true);
}

SEC("raw_tp/block_rq_issue")
int bio_iss_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return rq_start(bct_rq_issue_arg(ctx->args), true, false);
}

SEC("raw_tp/block_rq_complete")
int bio_done_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return rq_done((void *)ctx->args[0], (unsigned int)ctx->args[2], false);
}

/* --- block:block_rq_* tracepoints ---------------------------------------------------------- */

/*
 * BCC's flags from the tracepoint's rwbs text (blk_fill_rwbs()): an optional 'F' (preflush),
 * the operation (W, D or DE, F, R, N), then F (FUA), A (read-ahead), S (sync), M (meta).
 * The first 8 characters come as one little-endian word, so every index is a constant.
 */
#define RWBS_CHAR(w, n) ((char)((w) >> (8 * (n))))

static __always_inline __u64 rwbs_flags(__u64 w)
{
	__u64 out = BIOLAT_OP_UNKNOWN;
	char c;
	int j;

	c = RWBS_CHAR(w, 1);
	if (RWBS_CHAR(w, 0) == 'F' && (c == 'W' || c == 'D' || c == 'F' || c == 'R' || c == 'N'))
		w >>= 8; /* preflush: BCC does not show it */
	c = RWBS_CHAR(w, 0);
	if (c == 'W') {
		out = BIOLAT_OP_WRITE;
	} else if (c == 'D') {
		out = BIOLAT_OP_DISCARD;
		if (RWBS_CHAR(w, 1) == 'E') {
			out = BIOLAT_OP_SECURE_ERASE;
			w >>= 8;
		}
	} else if (c == 'F') {
		out = BIOLAT_OP_FLUSH;
	} else if (c == 'R') {
		out = BIOLAT_OP_READ;
	}
	for (j = 1; j < 6; j++) {
		c = RWBS_CHAR(w, j);
		if (c == 'F')
			out |= BIOLAT_FUA;
		else if (c == 'A')
			out |= BIOLAT_RAHEAD;
		else if (c == 'S')
			out |= BIOLAT_SYNC;
		else if (c == 'M')
			out |= BIOLAT_META;
		else if (!c)
			break;
	}
	return out;
}

static __always_inline int tp_start(__u32 dev, __u64 sector, bool issue)
{
	struct start_key k = { .id = sector, .dev = dev };

	if (!bct_filter_dev(dev))
		return 0;
	if (!cgroup_allowed())
		return 0;
	record_start(&k, issue);
	return 0;
}

#ifdef BIOLAT_QUEUED
SEC("tracepoint/block/block_rq_insert")
int bio_ins_tp(struct trace_event_raw_block_rq *ctx)
{
	return tp_start(ctx->dev, ctx->sector, false);
}
#endif

SEC("tracepoint/block/block_rq_issue")
int bio_iss_tp(struct trace_event_raw_block_rq *ctx)
{
	return tp_start(ctx->dev, ctx->sector, true);
}

SEC("tracepoint/block/block_rq_complete")
int bio_done_tp(struct trace_event_raw_block_rq_completion *ctx)
{
	struct start_key k = { .id = ctx->sector, .dev = ctx->dev };
	__u64 hkey = 0;
#if defined(BIOLAT_PER_DISK)
	hkey = ctx->dev;
#elif defined(BIOLAT_PER_FLAGS)
	__u64 rwbs = 0;

	bpf_probe_read_kernel(&rwbs, 7, ctx->rwbs); /* the 8th byte stays NUL */
	hkey = rwbs_flags(rwbs);
#endif
	record_done(&k, hkey);
	return 0;
}

/* --- BCC's kprobes, where the kernel has them ---------------------------------------------- */

#ifdef BIOLAT_QUEUED
SEC("kprobe/blk_account_io_start")
int BPF_KPROBE(bio_acct_kp, struct request *rq)
{
	return rq_start(rq, false, false);
}

SEC("kprobe/__blk_account_io_start")
int BPF_KPROBE(bio_acct_kp2, struct request *rq)
{
	return rq_start(rq, false, false);
}
#else
SEC("kprobe/blk_mq_start_request")
int BPF_KPROBE(bio_start_kp, struct request *rq)
{
	return rq_start(rq, true, false);
}
#endif

SEC("kprobe/blk_account_io_done")
int BPF_KPROBE(bio_done_kp, struct request *rq)
{
	return rq_done(rq, 0, false);
}

SEC("kprobe/__blk_account_io_done")
int BPF_KPROBE(bio_done_kp2, struct request *rq)
{
	return rq_done(rq, 0, false);
}
