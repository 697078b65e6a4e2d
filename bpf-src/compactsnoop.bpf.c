// SPDX-License-Identifier: Apache-2.0
/*
 * compactsnoop: one event per zone compaction, from compaction:mm_compaction_begin to
 * compaction:mm_compaction_end of the same thread, with the zone and order of the
 * compaction: mm_compaction_suitable's (a direct compaction found the zone suitable), else
 * the compact_control's (compactions that skip the suitability check: compact_memory,
 * proactive and kcompactd ones on whole zones).
 *
 * Attach methods, best first (cmd/compactsnoop.c declares them): tp_btf, then raw_tp (BCC's
 * method). Both read the tracepoints' arguments the same way.
 * Defines (set by cmd/compactsnoop.c), besides the shared -p filter:
 *   COMPACTSNOOP_STACK   -K: the kernel stack of each compaction's end
 * Credit: the original BCC compactsnoop is by Wenbo Zhang.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "compactsnoop.h"
#ifdef COMPACTSNOOP_STACK
#define BCT_STACK_STORAGE 2048
#include "bct_stack.bpf.h"
#endif

char LICENSE[] SEC("license") = "GPL";

struct start_val {
	__u64 ts;
	__s32 nid;
	__s32 idx;
	__s32 order;
	__s32 sync;
	__u8 have_zone; /* set by mm_compaction_suitable */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct start_val);
} start SEC(".maps");

/* The zone's node and index; za is its address as a number (no pointer arithmetic). */
static __always_inline void zone_info(__u64 za, struct start_val *v)
{
	struct zone *zone = (struct zone *)za;
	struct pglist_data *pgdat = BPF_CORE_READ(zone, zone_pgdat);
	__u64 first;

	v->nid = 0;
	if (bpf_core_field_exists(zone->node))
		v->nid = BPF_CORE_READ(zone, node);
	first = (__u64)pgdat + bpf_core_field_offset(struct pglist_data, node_zones);
	v->idx = (__s32)((za - first) / bpf_core_type_size(struct zone));
}

/* ctx: the tracepoint's arguments (zone, order, ret) */
static __always_inline int on_suitable(__u64 *ctx, int order, int ret)
{
	__u64 id = bpf_get_current_pid_tgid(), za = 0;
	struct start_val v = {};

	if (ret != bpf_core_enum_value(enum compact_result, COMPACT_CONTINUE))
		return 0;
	if (!bct_filter_pass())
		return 0;
	bpf_probe_read_kernel(&za, sizeof(za), ctx);
	zone_info(za, &v);
	v.order = order;
	v.have_zone = 1;
	bpf_map_update_elem(&start, &id, &v, BPF_ANY);
	return 0;
}

static __always_inline int on_begin(struct compact_control *cc, bool sync)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct start_val *vp, v = {};

	vp = bpf_map_lookup_elem(&start, &id);
	if (!vp) {
		/* no suitability check: a compaction of the whole zone */
		if (!bct_filter_pass())
			return 0;
		zone_info((__u64)BPF_CORE_READ(cc, zone), &v);
		v.order = BPF_CORE_READ(cc, order);
		bpf_map_update_elem(&start, &id, &v, BPF_ANY);
		vp = bpf_map_lookup_elem(&start, &id);
		if (!vp)
			return 0;
	}
	vp->ts = bpf_ktime_get_ns();
	vp->sync = sync;
	return 0;
}

static __always_inline int on_end(void *ctx, int status)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	struct compactsnoop_event *e;
	struct start_val *vp;

	vp = bpf_map_lookup_elem(&start, &id);
	if (!vp)
		return 0;
	if (!vp->ts)
		goto out; /* suitable, but never begun */
	e = bct_event_reserve(sizeof(*e));
	if (!e)
		goto out;
	e->ts_ns = now;
	e->delta_ns = now - vp->ts;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->nid = vp->nid;
	e->idx = vp->idx;
	e->order = vp->order;
	e->sync = vp->sync;
	e->status = status;
#ifdef COMPACTSNOOP_STACK
	e->stack_id = bct_stack_kernel(ctx);
#else
	e->stack_id = -1;
#endif
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
out:
	bpf_map_delete_elem(&start, &id);
	return 0;
}

SEC("tp_btf/mm_compaction_suitable")
int BPF_PROG(cs_suitable_btf, struct zone *zone, int order, int ret)
{
	return on_suitable(ctx, order, ret);
}

SEC("tp_btf/mm_compaction_begin")
int BPF_PROG(cs_begin_btf, struct compact_control *cc, unsigned long zone_start,
	     unsigned long zone_end, bool sync)
{
	return on_begin(cc, sync);
}

SEC("tp_btf/mm_compaction_end")
int BPF_PROG(cs_end_btf, struct compact_control *cc, unsigned long zone_start,
	     unsigned long zone_end, bool sync, int status)
{
	return on_end(ctx, status);
}

SEC("raw_tp/mm_compaction_suitable")
int BPF_PROG(cs_suitable_raw, struct zone *zone, int order, int ret)
{
	return on_suitable(ctx, order, ret);
}

SEC("raw_tp/mm_compaction_begin")
int BPF_PROG(cs_begin_raw, struct compact_control *cc, unsigned long zone_start,
	     unsigned long zone_end, bool sync)
{
	return on_begin(cc, sync);
}

SEC("raw_tp/mm_compaction_end")
int BPF_PROG(cs_end_raw, struct compact_control *cc, unsigned long zone_start,
	     unsigned long zone_end, bool sync, int status)
{
	return on_end(ctx, status);
}
