// SPDX-License-Identifier: Apache-2.0
/*
 * hardirqs: time spent in hard interrupt handlers, per handler name, from the kernel's
 * irq_handler_entry and irq_handler_exit tracepoints.
 *
 * Entry stores the time and the handler's name in a per-CPU slot (handlers do not nest on a
 * CPU: they run with interrupts disabled); exit, unless the handler returned IRQ_NONE (not
 * its device's interrupt), adds the time to the handler's entry in the histogram map, keyed
 * by name: the sum and number of the times (table output), or a log2 histogram (-d).
 *
 * Attach methods, best first (cmd/hardirqs.c declares them as one hook):
 *   tp_btf      irq_handler_entry(irq, action) / irq_handler_exit(irq, action, ret)
 *   raw_tp      the same, as raw tracepoints
 *   tracepoint  irq:irq_handler_entry / irq:irq_handler_exit trace events (BCC's source)
 *
 * Defines (set by cmd/hardirqs.c):
 *   HARDIRQS_DIST        -d: log2 histograms of the time, in units of HARDIRQS_FACTOR ns
 *   HARDIRQS_FACTOR      ns per histogram unit: 1000 (usecs, default) or 1 (-N)
 *   HARDIRQS_FILTER_CPU  -c: only interrupts handled on this CPU
 *   BCT_HIST_SLOTS       1 for the table output (only the sum and number are used)
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#ifndef HARDIRQS_DIST
#define BCT_HIST_SUM
#endif
#include "bct_hist.bpf.h"
#include "hardirqs.h"

#ifndef HARDIRQS_FACTOR
#define HARDIRQS_FACTOR 1000
#endif

char LICENSE[] SEC("license") = "GPL";

/* The handler running on this CPU: when it started and its name. */
struct running {
	__u64 ts;
	struct hardirqs_key key;
	__u32 active;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct running);
} running SEC(".maps");

BCT_HIST_MAP(hists, struct hardirqs_key, 1024);

/* The CPU's slot, or NULL when -c excludes this CPU. */
static __always_inline struct running *slot(void)
{
	__u32 zero = 0;

#ifdef HARDIRQS_FILTER_CPU
	if (bpf_get_smp_processor_id() != (__u32)(HARDIRQS_FILTER_CPU))
		return NULL;
#endif
	return bpf_map_lookup_elem(&running, &zero);
}

/* A handler starts; name: its name in kernel memory (NULL: read by the caller into r->key). */
static __always_inline struct running *enter(const char *name)
{
	struct running *r = slot();

	if (!r)
		return NULL;
	r->key = (struct hardirqs_key){};
	if (name)
		bpf_probe_read_kernel_str(r->key.name, sizeof(r->key.name), name);
	r->active = 1;
	r->ts = bpf_ktime_get_ns();
	return r;
}

static __always_inline int leave(int ret)
{
	struct running *r = slot();
	__u64 delta;

	if (!r || !r->active)
		return 0; /* started before we did, or on a CPU -c excludes */
	r->active = 0;
	if (ret == 0) /* IRQ_NONE: the interrupt was not this handler's */
		return 0;
	delta = bpf_ktime_get_ns() - r->ts;
#ifdef HARDIRQS_DIST
	bct_hist_log2(&hists, &r->key, delta / HARDIRQS_FACTOR);
#else
	struct bct_hist *h = bct_hist_lookup(&hists, &r->key);

	if (h) {
		__sync_fetch_and_add(&h->total, delta);
		__sync_fetch_and_add(&h->count, 1);
	}
#endif
	return 0;
}

SEC("tp_btf/irq_handler_entry")
int irq_entry_btf(__u64 *ctx)
{
	struct irqaction *action = (void *)ctx[1];

	enter(action->name);
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int irq_exit_btf(__u64 *ctx)
{
	return leave((int)ctx[2]);
}

SEC("raw_tp/irq_handler_entry")
int irq_entry_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct irqaction *action = (void *)ctx->args[1];

	enter(BPF_CORE_READ(action, name));
	return 0;
}

SEC("raw_tp/irq_handler_exit")
int irq_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return leave((int)ctx->args[2]);
}

SEC("tracepoint/irq/irq_handler_entry")
int irq_entry_tp(struct trace_event_raw_irq_handler_entry *ctx)
{
	struct running *r = enter(NULL);

	if (r) /* __data_loc: the string's offset from the record's start, in the low 16 bits */
		bpf_probe_read_kernel_str(r->key.name, sizeof(r->key.name),
					  (void *)ctx + (ctx->__data_loc_name & 0xffff));
	return 0;
}

SEC("tracepoint/irq/irq_handler_exit")
int irq_exit_tp(struct trace_event_raw_irq_handler_exit *ctx)
{
	return leave(ctx->ret);
}
