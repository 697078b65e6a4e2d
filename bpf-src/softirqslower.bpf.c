// SPDX-License-Identifier: Apache-2.0
/*
 * softirqslower: soft interrupts that waited or ran longer than a bound, from the kernel's
 * softirq_raise, softirq_entry and softirq_exit tracepoints.
 *
 * Per CPU and vector, a raise stores its time (the first raise counts until the handler runs:
 * later raises of a pending vector change nothing); the handler's entry reports the wait since
 * that raise ("irq(hard) to softirq") and stores its own time; its exit reports the run time
 * ("softirq runtime"). A handler entered without a raise seen (raised before the tool
 * attached) reports no wait; an exit without a seen entry reports nothing.
 *
 * Attach methods, best first (cmd/softirqslower.c declares them as one hook):
 *   tp_btf      softirq_raise/entry/exit(vec_nr)
 *   raw_tp      the same, as raw tracepoints (BCC's source)
 *   tracepoint  irq:softirq_raise/entry/exit trace events
 *
 * Defines (set by cmd/softirqslower.c):
 *   MIN_NS      report stages that took at least this long (min_us * 1000)
 *   FILTER_CPU  -c: only this CPU
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>

#include "bct_common.bpf.h"
#include "softirqslower.h"

#ifndef MIN_NS
#define MIN_NS 10000000ULL
#endif
#define NVEC 16 /* NR_SOFTIRQS is 10; room for newer vectors */

char LICENSE[] SEC("license") = "GPL";

/* Per CPU and vector: when it was raised, and when its handler started (0: not seen). */
struct stamps {
	__u64 raised;
	__u64 entered;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NVEC);
	__type(key, __u32);
	__type(value, struct stamps);
} stamps SEC(".maps");

static __always_inline struct stamps *lookup(__u32 vec)
{
#ifdef FILTER_CPU
	if (bpf_get_smp_processor_id() != (__u32)(FILTER_CPU))
		return NULL;
#endif
	return bpf_map_lookup_elem(&stamps, &vec);
}

static __always_inline void report(void *ctx, __u32 stage, __u32 vec, __u64 delta)
{
	struct softirqslower_event *e;

	if (delta < (__u64)(MIN_NS))
		return;
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		return;
	e->delta_ns = delta;
	e->stage = stage;
	e->vec = vec;
	e->cpu = bpf_get_smp_processor_id();
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
}

static __always_inline int on_raise(void *ctx, __u32 vec)
{
	struct stamps *s = lookup(vec);

	if (s && !s->raised)
		s->raised = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int on_entry(void *ctx, __u32 vec)
{
	struct stamps *s = lookup(vec);
	__u64 now;

	if (!s)
		return 0;
	now = bpf_ktime_get_ns();
	if (s->raised)
		report(ctx, SOFTIRQSLOWER_IRQ_TO_SOFTIRQ, vec, now - s->raised);
	s->raised = 0;
	s->entered = now;
	return 0;
}

static __always_inline int on_exit(void *ctx, __u32 vec)
{
	struct stamps *s = lookup(vec);
	__u64 start;

	if (!s || !s->entered)
		return 0;
	start = s->entered;
	s->entered = 0;
	report(ctx, SOFTIRQSLOWER_RUNTIME, vec, bpf_ktime_get_ns() - start);
	return 0;
}

SEC("tp_btf/softirq_raise")
int raise_btf(__u64 *ctx)
{
	return on_raise(ctx, (__u32)ctx[0]);
}

SEC("tp_btf/softirq_entry")
int entry_btf(__u64 *ctx)
{
	return on_entry(ctx, (__u32)ctx[0]);
}

SEC("tp_btf/softirq_exit")
int exit_btf(__u64 *ctx)
{
	return on_exit(ctx, (__u32)ctx[0]);
}

SEC("raw_tp/softirq_raise")
int raise_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_raise(ctx, (__u32)ctx->args[0]);
}

SEC("raw_tp/softirq_entry")
int entry_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_entry(ctx, (__u32)ctx->args[0]);
}

SEC("raw_tp/softirq_exit")
int exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_exit(ctx, (__u32)ctx->args[0]);
}

SEC("tracepoint/irq/softirq_raise")
int raise_tp(struct trace_event_raw_softirq *ctx)
{
	return on_raise(ctx, ctx->vec);
}

SEC("tracepoint/irq/softirq_entry")
int entry_tp(struct trace_event_raw_softirq *ctx)
{
	return on_entry(ctx, ctx->vec);
}

SEC("tracepoint/irq/softirq_exit")
int exit_tp(struct trace_event_raw_softirq *ctx)
{
	return on_exit(ctx, ctx->vec);
}
