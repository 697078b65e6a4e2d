/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Block requests, BPF side, for the block tools (biolatency, biosnoop, bitesize, ...): the
 * request's disk across kernel versions, the block_rq_* tracepoints' argument layouts, and the
 * shared -d DISK filter (FILTER_DEV, set by lib/filter.c). Included after vmlinux.h and
 * libbpf's headers.
 */
#ifndef BCT_BLOCK_BPF_H
#define BCT_BLOCK_BPF_H

#include "bct_disk.h"

/* Before 5.17 (or so) the disk hung off the request itself. */
struct request___old {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

/*
 * Before 5.11, block_rq_insert and block_rq_issue took (struct request_queue *, struct
 * request *). Which one this kernel has is read from its BTF (the btf_trace_* typedef of the
 * tracepoint), not from its version.
 */
typedef void (*btf_trace_block_rq_issue___new)(void *, struct request *);
typedef void (*btf_trace_block_rq_insert___new)(void *, struct request *);

/*
 * A field through a chain of pointers: tp_btf programs get typed (BTF) pointers, which plain
 * loads can follow (cheap); raw_tp and kprobe programs need bpf_probe_read_kernel(). btf is a
 * constant at every call, so only one of the two is compiled into each program.
 */
#define BCT_RQ_READ(btf, src, a, ...)                \
	((btf) ? (src)->a __VA_OPT__(->) __VA_ARGS__ \
	       : BPF_CORE_READ(src, a __VA_OPT__(, ) __VA_ARGS__))

/* The request's disk as the kernel's dev_t (major << 20 | minor); 0 when it has none. */
static __always_inline __u32 bct_rq_dev(struct request *rq, bool btf)
{
	struct request___old *old = (void *)rq;
	struct gendisk *disk;

	if (bpf_core_field_exists(old->rq_disk))
		disk = BCT_RQ_READ(btf, old, rq_disk);
	else
		disk = BCT_RQ_READ(btf, rq, q, disk);
	if (!disk)
		return 0;
	return ((__u32)BCT_RQ_READ(btf, disk, major) << BCT_MINORBITS) |
	       (__u32)BCT_RQ_READ(btf, disk, first_minor);
}

/* The request argument of block_rq_issue / block_rq_insert (tp_btf or raw_tp args). */
static __always_inline struct request *bct_rq_issue_arg(__u64 *args)
{
	if (bpf_core_type_matches(btf_trace_block_rq_issue___new))
		return (void *)args[0];
	return (void *)args[1];
}

static __always_inline struct request *bct_rq_insert_arg(__u64 *args)
{
	if (bpf_core_type_matches(btf_trace_block_rq_insert___new))
		return (void *)args[0];
	return (void *)args[1];
}

/* As BCC's biosnoop and biotop see it: the operation is a write (REQ_OP_WRITE), or it is not. */
static __always_inline bool bct_rq_write(struct request *rq, bool btf)
{
	__u32 op = BCT_RQ_READ(btf, rq, cmd_flags) & 0xff; /* REQ_OP_MASK */

	return bpf_core_enum_value_exists(enum req_op, REQ_OP_WRITE) &&
	       op == bpf_core_enum_value(enum req_op, REQ_OP_WRITE);
}

/*
 * block_rq_complete's nr_bytes (0 from the kprobe methods: all of it): whether this completion
 * is partial, the request going on.
 */
static __always_inline bool bct_rq_partial(struct request *rq, unsigned int nr_bytes, bool btf)
{
	return nr_bytes && nr_bytes < BCT_RQ_READ(btf, rq, __data_len);
}

/* -d DISK: whether dev is the disk asked for. */
static __always_inline bool bct_filter_dev(__u32 dev)
{
#ifdef FILTER_DEV
	return dev == (__u32)(FILTER_DEV);
#else
	return true;
#endif
}

/* -d DISK for a request; reads its disk only when there is a filter. */
static __always_inline bool bct_filter_rq(struct request *rq, bool btf)
{
#ifdef FILTER_DEV
	return bct_rq_dev(rq, btf) == (__u32)(FILTER_DEV);
#else
	return true;
#endif
}

#endif
