// SPDX-License-Identifier: Apache-2.0
/*
 * pidpersec: counts new tasks (processes and threads) as they are forked.
 *
 * Attach methods, best first (cmd/pidpersec.c declares them): BCC's kprobe on sched_fork(),
 * then the sched:sched_process_fork tracepoint as tp_btf, raw_tp, tracepoint. sched_fork()
 * runs for every fork that gets that far, the tracepoint only for forks that succeed.
 *
 * One counter (key 0 of the histogram kit's map, its count), drained by user space each second.
 * Credit: the original BCC pidpersec is by Brendan Gregg.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#define BCT_HIST_SLOTS 1
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, __u32, 1);

static __always_inline int count_fork(void)
{
	__u32 zero = 0;
	struct bct_hist *h = bct_hist_lookup(&hists, &zero);

	if (h)
		__sync_fetch_and_add(&h->count, 1);
	return 0;
}

SEC("kprobe/sched_fork")
int pps_fork_kp(void *ctx)
{
	return count_fork();
}

SEC("tp_btf/sched_process_fork")
int pps_fork_btf(void *ctx)
{
	return count_fork();
}

SEC("raw_tp/sched_process_fork")
int pps_fork_raw(void *ctx)
{
	return count_fork();
}

SEC("tracepoint/sched/sched_process_fork")
int pps_fork_tp(void *ctx)
{
	return count_fork();
}
