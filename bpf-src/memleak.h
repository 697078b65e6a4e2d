/* SPDX-License-Identifier: Apache-2.0 */
/* memleak: the maps both sides read (bpf-src/memleak.bpf.c, cmd/memleak.c). */
#ifndef MEMLEAK_H
#define MEMLEAK_H

/* One outstanding allocation, keyed by its address (a page frame number for pages). */
struct memleak_alloc {
	__u64 size;
	__u64 ts_ns; /* bpf_ktime_get_ns() when it was made */
	__s32 stack_id; /* the allocating stack, or -errno */
	__u32 pad;
};

/* Per stack (--combined-only): what it has allocated and not freed. */
struct memleak_combined {
	__u64 total_size;
	__u64 nr_allocs;
};

/* -t: one alloc or free call. */
enum memleak_trace_kind { MEMLEAK_ALLOC_ENTER, MEMLEAK_ALLOC_EXIT, MEMLEAK_FREE };

struct memleak_trace {
	__u64 size;
	__u64 addr;
	__u64 ts_ns;
	__u32 pid;
	__u32 cpu;
	__u32 kind;
	__u32 pad;
	char comm[16];
};

#define MEMLEAK_MAX_ALLOCS 1000000
#define MEMLEAK_MAX_STACKS 10240

#endif
