// SPDX-License-Identifier: Apache-2.0
/*
 * softirqs: time spent in soft interrupt handlers, per vector (timer, net_rx, rcu, ...), from
 * the kernel's softirq_entry and softirq_exit tracepoints.
 *
 * Entry stores the time and the vector in a per-CPU slot (softirqs do not nest on a CPU);
 * exit adds the time to the vector's entry in the histogram map: the sum and number of the
 * times (table output), or a log2 histogram (-d). With -C, entry alone counts.
 *
 * Attach methods, best first (cmd/softirqs.c declares them as one hook):
 *   tp_btf      softirq_entry(vec_nr) / softirq_exit(vec_nr)
 *   raw_tp      the same, as raw tracepoints
 *   tracepoint  irq:softirq_entry / irq:softirq_exit trace events (BCC's source)
 *
 * Defines (set by cmd/softirqs.c):
 *   SOFTIRQS_COUNT       -C: count entries, no times (the exit program does nothing)
 *   SOFTIRQS_DIST        -d: log2 histograms of the time, in units of SOFTIRQS_FACTOR ns
 *   SOFTIRQS_FACTOR      ns per histogram unit: 1000 (usecs, default) or 1 (-N)
 *   SOFTIRQS_FILTER_CPU  -c: only softirqs run on this CPU
 *   BCT_HIST_SLOTS       1 for the table output (only the sum and number are used)
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#ifndef SOFTIRQS_DIST
#define BCT_HIST_SUM
#endif
#include "bct_hist.bpf.h"

#ifndef SOFTIRQS_FACTOR
#define SOFTIRQS_FACTOR 1000
#endif

char LICENSE[] SEC("license") = "GPL";

/* The softirq running on this CPU: when it started and its vector. */
struct running {
	__u64 ts;
	__u32 vec;
	__u32 active;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct running);
} running SEC(".maps");

BCT_HIST_MAP(hists, __u32, 64);

/* The CPU's slot, or NULL when -c excludes this CPU. */
static __always_inline struct running *slot(void)
{
	__u32 zero = 0;

#ifdef SOFTIRQS_FILTER_CPU
	if (bpf_get_smp_processor_id() != (__u32)(SOFTIRQS_FILTER_CPU))
		return NULL;
#endif
	return bpf_map_lookup_elem(&running, &zero);
}

static __always_inline int enter(__u32 vec)
{
	struct running *r = slot();

	if (!r)
		return 0;
#ifdef SOFTIRQS_COUNT
	struct bct_hist *h = bct_hist_lookup(&hists, &vec);

	if (h)
		__sync_fetch_and_add(&h->count, 1);
#else
	r->vec = vec;
	r->active = 1;
	r->ts = bpf_ktime_get_ns();
#endif
	return 0;
}

static __always_inline int leave(void)
{
#ifndef SOFTIRQS_COUNT
	struct running *r = slot();
	__u64 delta;

	if (!r || !r->active)
		return 0; /* started before we did, or on a CPU -c excludes */
	r->active = 0;
	delta = bpf_ktime_get_ns() - r->ts;
#ifdef SOFTIRQS_DIST
	bct_hist_log2(&hists, &r->vec, delta / SOFTIRQS_FACTOR);
#else
	struct bct_hist *h = bct_hist_lookup(&hists, &r->vec);

	if (h) {
		__sync_fetch_and_add(&h->total, delta);
		__sync_fetch_and_add(&h->count, 1);
	}
#endif
#endif
	return 0;
}

SEC("tp_btf/softirq_entry")
int softirq_entry_btf(__u64 *ctx)
{
	return enter((__u32)ctx[0]);
}

SEC("tp_btf/softirq_exit")
int softirq_exit_btf(__u64 *ctx)
{
	return leave();
}

SEC("raw_tp/softirq_entry")
int softirq_entry_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return enter((__u32)ctx->args[0]);
}

SEC("raw_tp/softirq_exit")
int softirq_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return leave();
}

SEC("tracepoint/irq/softirq_entry")
int softirq_entry_tp(struct trace_event_raw_softirq *ctx)
{
	return enter(ctx->vec);
}

SEC("tracepoint/irq/softirq_exit")
int softirq_exit_tp(struct trace_event_raw_softirq *ctx)
{
	return leave();
}
