// SPDX-License-Identifier: Apache-2.0
/*
 * biostacks: block I/O latency, from the request's start (its accounting: block_io_start) to
 * its end (block_io_done), as a log2 histogram per (process, disk, kernel stack at the start).
 *
 * Attach methods, best first (one hook: both ends from the same method):
 *   tp_btf   block_io_start / block_io_done
 *   raw_tp   the same tracepoints
 *   fentry   blk_account_io_start / blk_account_io_done (kernels before 6.5)
 * Defines: FILTER_DEV (-d DISK, bct_block.bpf.h), BIOSTACKS_MS (-m).
 * Credit: the original biostacks is by Brendan Gregg (bpftrace) and its libbpf-tools port.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "biostacks.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "bct_block.bpf.h"
#include "bct_hist.bpf.h"
#include "bct_stack.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct start {
	struct biostacks_key key;
	__u64 ts;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct request *);
	__type(value, struct start);
} starts SEC(".maps");

BCT_HIST_MAP(hists, struct biostacks_key, BIOSTACKS_MAX_KEYS);

static __always_inline int rq_start(void *ctx, struct request *rq, bool btf)
{
	struct start st = {};

	if (!bct_filter_rq(rq, btf))
		return 0;
	st.key.pid = bpf_get_current_pid_tgid() >> 32;
	st.key.dev = bct_rq_dev(rq, btf);
	st.key.stack_id = bct_stack_kernel(ctx);
	bpf_get_current_comm(st.key.comm, sizeof(st.key.comm));
	st.ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&starts, &rq, &st, BPF_ANY))
		bct_count_lost();
	return 0;
}

static __always_inline int rq_done(struct request *rq)
{
	struct start *st = bpf_map_lookup_elem(&starts, &rq);
	__u64 delta;

	if (!st)
		return 0; /* started before tracing, or another disk */
	delta = bpf_ktime_get_ns() - st->ts;
#ifdef BIOSTACKS_MS
	delta /= 1000000;
#else
	delta /= 1000;
#endif
	bct_hist_log2(&hists, &st->key, delta);
	bpf_map_delete_elem(&starts, &rq);
	return 0;
}

SEC("tp_btf/block_io_start")
int bs_start_btf(__u64 *ctx)
{
	return rq_start(ctx, (void *)ctx[0], true);
}

SEC("tp_btf/block_io_done")
int bs_done_btf(__u64 *ctx)
{
	return rq_done((void *)ctx[0]);
}

SEC("raw_tp/block_io_start")
int bs_start_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return rq_start(ctx, (void *)ctx->args[0], false);
}

SEC("raw_tp/block_io_done")
int bs_done_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return rq_done((void *)ctx->args[0]);
}

SEC("fentry/blk_account_io_start")
int BPF_PROG(bs_start_fe, struct request *rq)
{
	return rq_start(ctx, rq, true);
}

SEC("fentry/blk_account_io_done")
int BPF_PROG(bs_done_fe, struct request *rq)
{
	return rq_done(rq);
}
