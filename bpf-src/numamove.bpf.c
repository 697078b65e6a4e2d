// SPDX-License-Identifier: Apache-2.0
/*
 * numamove: page migrations of the NUMA-misplaced kind, counted and timed, for per-second
 * totals.
 *
 * One entry of the histogram map (key 0): count is the number of migrations, total the sum
 * of their times in nanoseconds. A migration is timed per thread from its start to its end.
 *
 * Attach methods, best first (cmd/numamove.c declares them as one hook):
 *   fentry      fentry/fexit on migrate_misplaced_folio() (libbpf-tools' source)
 *   kprobe      kprobe/kretprobe on the same function
 *   tracepoint  migrate:mm_migrate_pages_start and migrate:mm_migrate_pages whose reason is
 *               MR_NUMA_MISPLACED: the migrate_pages() call that a NUMA hinting fault makes
 *               for one misplaced folio (isolating the folio beforehand is not timed, and a
 *               folio that cannot be isolated is not counted)
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#define BCT_HIST_SLOTS 1
#define BCT_HIST_SUM
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, __u32, 1);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

static __always_inline int begin(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_ns();

	if (bpf_map_update_elem(&start, &tid, &ts, BPF_ANY))
		bct_count_lost();
	return 0;
}

static __always_inline int end(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;
	struct bct_hist *h;
	__u64 *tsp, delta;

	tsp = bpf_map_lookup_elem(&start, &tid);
	if (!tsp)
		return 0; /* started before the tool attached */
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &tid);
	h = bct_hist_lookup(&hists, &zero);
	if (h) {
		__sync_fetch_and_add(&h->count, 1);
		__sync_fetch_and_add(&h->total, delta);
	}
	return 0;
}

SEC("fentry/migrate_misplaced_folio")
int BPF_PROG(fe_migrate)
{
	return begin();
}

SEC("fexit/migrate_misplaced_folio")
int BPF_PROG(fx_migrate)
{
	return end();
}

SEC("kprobe/migrate_misplaced_folio")
int kp_migrate(void *ctx)
{
	return begin();
}

SEC("kretprobe/migrate_misplaced_folio")
int kr_migrate(void *ctx)
{
	return end();
}

SEC("tracepoint/migrate/mm_migrate_pages_start")
int tp_migrate_start(struct trace_event_raw_mm_migrate_pages_start *ctx)
{
	if (ctx->reason != MR_NUMA_MISPLACED)
		return 0;
	return begin();
}

SEC("tracepoint/migrate/mm_migrate_pages")
int tp_migrate_end(struct trace_event_raw_mm_migrate_pages *ctx)
{
	if (ctx->reason != MR_NUMA_MISPLACED)
		return 0;
	return end();
}
