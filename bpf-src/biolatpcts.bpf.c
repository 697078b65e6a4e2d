// SPDX-License-Identifier: Apache-2.0
/*
 * biolatpcts: block request latencies of one disk, per operation (read, write, discard,
 * flush), counted in three linear arrays of granularity 100 ms, 1 ms and 10 us, from which
 * cmd/biolatpcts.c computes percentiles.
 *
 * The latency is the time from one of the request's own time stamps (-w) to its completion
 * (block_rq_complete); requests whose time stamp is 0 (not kept by this kernel) are skipped.
 *
 * Attach methods, best first: raw_tp (as BCC), tp_btf.
 *
 * Defines (set by cmd/biolatpcts.c):
 *   BIOLATPCTS_DEV    the disk, kernel dev_t (major << 20 | minor)
 *   BIOLATPCTS_WHICH  BIOLATPCTS_FROM_ALLOC, _AFTER_ALLOC or _ON_DEVICE
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#include "biolatpcts.h"
#include "bct_common.bpf.h"
#include "bct_block.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef BIOLATPCTS_DEV
#define BIOLATPCTS_DEV 0
#endif
#ifndef BIOLATPCTS_WHICH
#define BIOLATPCTS_WHICH BIOLATPCTS_ON_DEVICE
#endif

#define LAT_ARRAY(name)                                  \
	struct {                                         \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); \
		__uint(max_entries, BIOLATPCTS_ENTRIES); \
		__type(key, __u32);                      \
		__type(value, __u64);                    \
	} name SEC(".maps")

LAT_ARRAY(lat_100ms);
LAT_ARRAY(lat_1ms);
LAT_ARRAY(lat_10us);

/* The time stamps, some of which a kernel may lack (alloc_time_ns: CONFIG_BLK_RQ_ALLOC_TIME). */
struct request___lat {
	__u64 alloc_time_ns;
	__u64 start_time_ns;
	__u64 io_start_time_ns;
} __attribute__((preserve_access_index));

static __always_inline __u64 rq_start_ns(struct request *rq)
{
	struct request___lat *r = (void *)rq;

#if BIOLATPCTS_WHICH == BIOLATPCTS_FROM_ALLOC
	if (!bpf_core_field_exists(r->alloc_time_ns))
		return 0;
	return BPF_CORE_READ(r, alloc_time_ns);
#elif BIOLATPCTS_WHICH == BIOLATPCTS_AFTER_ALLOC
	return BPF_CORE_READ(r, start_time_ns);
#else
	return BPF_CORE_READ(r, io_start_time_ns);
#endif
}

static __always_inline void bump(void *map, __u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(map, &slot);

	if (c)
		*c += 1; /* per CPU: no other writer */
}

/* The run of the operation, or -1 for the others (BCC counts only these four). */
static __always_inline int op_base(struct request *rq)
{
	__u32 op = BPF_CORE_READ(rq, cmd_flags) & 0xff; /* REQ_OP_MASK */

	if (op == bpf_core_enum_value(enum req_op, REQ_OP_READ))
		return 0;
	if (op == bpf_core_enum_value(enum req_op, REQ_OP_WRITE))
		return BIOLATPCTS_SLOTS;
	if (op == bpf_core_enum_value(enum req_op, REQ_OP_DISCARD))
		return 2 * BIOLATPCTS_SLOTS;
	if (op == bpf_core_enum_value(enum req_op, REQ_OP_FLUSH))
		return 3 * BIOLATPCTS_SLOTS;
	return -1;
}

static __always_inline int complete(struct request *rq)
{
	__u64 start = rq_start_ns(rq), dur, slot;
	int base;

	if (!start)
		return 0;
	if (bct_rq_dev(rq, false) != (__u32)(BIOLATPCTS_DEV))
		return 0;
	base = op_base(rq);
	if (base < 0)
		return 0;
	dur = bpf_ktime_get_ns() - start;
	slot = dur / 100000000ULL;
	if (slot > BIOLATPCTS_SLOTS - 1)
		slot = BIOLATPCTS_SLOTS - 1;
	bump(&lat_100ms, base + slot);
	if (slot)
		return 0;
	slot = dur / 1000000ULL;
	if (slot > BIOLATPCTS_SLOTS - 1)
		slot = BIOLATPCTS_SLOTS - 1;
	bump(&lat_1ms, base + slot);
	if (slot)
		return 0;
	slot = dur / 10000ULL;
	if (slot > BIOLATPCTS_SLOTS - 1)
		slot = BIOLATPCTS_SLOTS - 1;
	bump(&lat_10us, base + slot);
	return 0;
}

SEC("raw_tp/block_rq_complete")
int bl_done_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return complete((void *)ctx->args[0]);
}

SEC("tp_btf/block_rq_complete")
int bl_done_btf(__u64 *ctx)
{
	return complete((void *)ctx[0]);
}
