// SPDX-License-Identifier: Apache-2.0
/*
 * memleak: outstanding allocations by allocating stack. An allocation is remembered by its
 * address (size, time, stack) until it is freed; the user side sums what is left per stack.
 *
 * Two builds, chosen by -D:
 *   (default)       kernel allocators: the kmem tracepoints (kmalloc, kmem_cache_alloc and
 *                   their frees; pages by frame number), or with MEMLEAK_PERCPU the percpu
 *                   tracepoints; kernel stacks.
 *   MEMLEAK_USER    a process's libc allocator: entry probes keep the requested size per
 *                   thread, return probes record the returned address; free()/munmap() entry
 *                   probes forget it; user stacks. Attached by cmd/memleak.c (lib/uprobe.h).
 * Other defines: MEMLEAK_MIN_SIZE / MEMLEAK_MAX_SIZE (-z/-Z), MEMLEAK_SAMPLE (-s),
 * MEMLEAK_TRACE (-t: one event per call), MEMLEAK_WA_MISSING_FREE, MEMLEAK_PAGE_SIZE.
 * Credit: the original BCC memleak is by Sasha Goldshtein.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "memleak.h"
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#define BCT_STACK_STORAGE MEMLEAK_MAX_STACKS
#include "bct_stack.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef MEMLEAK_SAMPLE
#define MEMLEAK_SAMPLE 1
#endif
#ifndef MEMLEAK_PAGE_SIZE
#define MEMLEAK_PAGE_SIZE 4096
#endif

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64); /* pid_tgid */
	__type(value, __u64); /* the size asked for */
} sizes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MEMLEAK_MAX_ALLOCS);
	__type(key, __u64); /* address */
	__type(value, struct memleak_alloc);
} allocs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64); /* pid_tgid */
	__type(value, __u64); /* posix_memalign()'s memptr */
} memptrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MEMLEAK_MAX_STACKS);
	__type(key, __u64); /* stack id */
	__type(value, struct memleak_combined);
} combined_allocs SEC(".maps");

static __always_inline void trace_call(void *ctx, __u32 kind, __u64 size, __u64 addr)
{
#ifdef MEMLEAK_TRACE
	struct memleak_trace *e = bct_event_reserve(sizeof(*e));

	if (!e)
		return;
	e->size = size;
	e->addr = addr;
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->cpu = bpf_get_smp_processor_id();
	e->kind = kind;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bct_event_submit(e, sizeof(*e));
#endif
}

static __always_inline void combined_add(__u64 stack_id, __u64 size)
{
	struct memleak_combined *c, init = {};

	c = bpf_map_lookup_elem(&combined_allocs, &stack_id);
	if (!c) {
		if (bpf_map_update_elem(&combined_allocs, &stack_id, &init, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&combined_allocs, &stack_id)) {
			bct_count_lost();
			return;
		}
		c = bpf_map_lookup_elem(&combined_allocs, &stack_id);
		if (!c)
			return;
	}
	__sync_fetch_and_add(&c->total_size, size);
	__sync_fetch_and_add(&c->nr_allocs, 1);
}

static __always_inline void combined_del(__u64 stack_id, __u64 size)
{
	struct memleak_combined *c = bpf_map_lookup_elem(&combined_allocs, &stack_id);

	if (!c)
		return;
	c->total_size = size >= c->total_size ? 0 : c->total_size - size;
	if (c->nr_allocs)
		c->nr_allocs--;
}

/* -z/-Z and -s: whether an allocation of size is traced. */
static __always_inline bool size_pass(__u64 size)
{
#ifdef MEMLEAK_MIN_SIZE
	if (size < MEMLEAK_MIN_SIZE)
		return false;
#endif
#ifdef MEMLEAK_MAX_SIZE
	if (size > MEMLEAK_MAX_SIZE)
		return false;
#endif
	return MEMLEAK_SAMPLE <= 1 || bpf_ktime_get_ns() % MEMLEAK_SAMPLE == 0;
}

/* Remembers the allocation at addr: its size, time and stack. */
static __always_inline int record(void *ctx, __u64 addr, __u64 size)
{
	struct memleak_alloc a = {};

	if (!addr)
		return 0; /* failed */
	a.size = size;
	a.ts_ns = bpf_ktime_get_ns();
#ifdef MEMLEAK_USER
	a.stack_id = bct_stack_user(ctx);
#else
	a.stack_id = bct_stack_kernel(ctx);
#endif
	if (bpf_map_update_elem(&allocs, &addr, &a, BPF_ANY))
		bct_count_lost();
	if (a.stack_id >= 0)
		combined_add(a.stack_id, a.size);
	trace_call(ctx, MEMLEAK_ALLOC_EXIT, a.size, addr);
	return 0;
}

static __always_inline int alloc_enter(void *ctx, __u64 size)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!size_pass(size))
		return 0;
	if (bpf_map_update_elem(&sizes, &pid_tgid, &size, BPF_ANY))
		bct_count_lost();
	trace_call(ctx, MEMLEAK_ALLOC_ENTER, size, 0);
	return 0;
}

static __always_inline int alloc_exit(void *ctx, __u64 addr)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), size;
	__u64 *sz;

	sz = bpf_map_lookup_elem(&sizes, &pid_tgid);
	if (!sz)
		return 0; /* not traced: filtered, sampled out, or entered before tracing */
	size = *sz;
	bpf_map_delete_elem(&sizes, &pid_tgid);
	return record(ctx, addr, size);
}

static __always_inline int free_enter(void *ctx, __u64 addr)
{
	struct memleak_alloc *a = bpf_map_lookup_elem(&allocs, &addr);

	if (!a)
		return 0;
	if (a->stack_id >= 0)
		combined_del(a->stack_id, a->size);
	trace_call(ctx, MEMLEAK_FREE, a->size, addr);
	bpf_map_delete_elem(&allocs, &addr);
	return 0;
}

#ifdef MEMLEAK_USER

/* Only the traced process: the probes are attached for its PID, the filter checks again. */
#define USER_PASS()                     \
	do {                            \
		if (!bct_filter_pass()) \
			return 0;       \
	} while (0)

SEC("uprobe")
int malloc_enter(struct pt_regs *ctx)
{
	USER_PASS();
	return alloc_enter(ctx, PT_REGS_PARM1(ctx));
}

SEC("uprobe")
int calloc_enter(struct pt_regs *ctx)
{
	USER_PASS();
	return alloc_enter(ctx, PT_REGS_PARM1(ctx) * PT_REGS_PARM2(ctx));
}

SEC("uprobe")
int realloc_enter(struct pt_regs *ctx)
{
	USER_PASS();
	free_enter(ctx, PT_REGS_PARM1(ctx));
	return alloc_enter(ctx, PT_REGS_PARM2(ctx));
}

SEC("uprobe")
int mmap_enter(struct pt_regs *ctx)
{
	USER_PASS();
	return alloc_enter(ctx, PT_REGS_PARM2(ctx));
}

SEC("uprobe")
int posix_memalign_enter(struct pt_regs *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), memptr = PT_REGS_PARM1(ctx);

	USER_PASS();
	if (bpf_map_update_elem(&memptrs, &pid_tgid, &memptr, BPF_ANY))
		bct_count_lost();
	return alloc_enter(ctx, PT_REGS_PARM3(ctx));
}

/* aligned_alloc(), memalign(): (alignment, size) */
SEC("uprobe")
int aligned_enter(struct pt_regs *ctx)
{
	USER_PASS();
	return alloc_enter(ctx, PT_REGS_PARM2(ctx));
}

/* valloc(), pvalloc(): (size) */
SEC("uprobe")
int valloc_enter(struct pt_regs *ctx)
{
	USER_PASS();
	return alloc_enter(ctx, PT_REGS_PARM1(ctx));
}

/* The return of every allocator above but posix_memalign(): the address. */
SEC("uretprobe")
int alloc_return(struct pt_regs *ctx)
{
	return alloc_exit(ctx, PT_REGS_RC(ctx));
}

SEC("uretprobe")
int posix_memalign_return(struct pt_regs *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), addr = 0;
	__u64 *memptr = bpf_map_lookup_elem(&memptrs, &pid_tgid);
	void *p;

	if (!memptr)
		return 0;
	p = (void *)*memptr;
	bpf_map_delete_elem(&memptrs, &pid_tgid);
	if (PT_REGS_RC(ctx) == 0 && bpf_probe_read_user(&addr, sizeof(addr), p) == 0)
		return alloc_exit(ctx, addr);
	/* failed: drop its size */
	bpf_map_delete_elem(&sizes, &pid_tgid);
	return 0;
}

SEC("uprobe")
int free_entry(struct pt_regs *ctx)
{
	USER_PASS();
	return free_enter(ctx, PT_REGS_PARM1(ctx));
}

SEC("uprobe")
int munmap_entry(struct pt_regs *ctx)
{
	USER_PASS();
	return free_enter(ctx, PT_REGS_PARM1(ctx));
}

#elif defined(MEMLEAK_PERCPU)

SEC("tracepoint/percpu/percpu_alloc_percpu")
int percpu_alloc(struct trace_event_raw_percpu_alloc_percpu *ctx)
{
	if (!bct_filter_pass())
		return 0;
	if (!size_pass(ctx->size))
		return 0;
	trace_call(ctx, MEMLEAK_ALLOC_ENTER, ctx->size, 0);
	return record(ctx, (__u64)ctx->ptr, ctx->size);
}

SEC("tracepoint/percpu/percpu_free_percpu")
int percpu_free(struct trace_event_raw_percpu_free_percpu *ctx)
{
	return free_enter(ctx, (__u64)ctx->ptr);
}

#else /* kernel allocators */

/* wa: --wa-missing-free applies (slab objects; BCC leaves pages alone) */
static __always_inline int kalloc(void *ctx, __u64 ptr, __u64 size, bool wa)
{
	if (!bct_filter_pass())
		return 0;
#ifdef MEMLEAK_WA_MISSING_FREE
	if (wa)
		free_enter(ctx, ptr);
#endif
	if (!size_pass(size))
		return 0;
	trace_call(ctx, MEMLEAK_ALLOC_ENTER, size, 0);
	return record(ctx, ptr, size);
}

SEC("tracepoint/kmem/kmalloc")
int kmalloc(struct trace_event_raw_kmalloc *ctx)
{
	return kalloc(ctx, (__u64)ctx->ptr, ctx->bytes_alloc, true);
}

SEC("tracepoint/kmem/kfree")
int kfree(struct trace_event_raw_kfree *ctx)
{
	return free_enter(ctx, (__u64)ctx->ptr);
}

SEC("tracepoint/kmem/kmem_cache_alloc")
int kmem_cache_alloc(struct trace_event_raw_kmem_cache_alloc *ctx)
{
	return kalloc(ctx, (__u64)ctx->ptr, ctx->bytes_alloc, true);
}

SEC("tracepoint/kmem/kmem_cache_free")
int kmem_cache_free(struct trace_event_raw_kmem_cache_free *ctx)
{
	return free_enter(ctx, (__u64)ctx->ptr);
}

SEC("tracepoint/kmem/mm_page_alloc")
int mm_page_alloc(struct trace_event_raw_mm_page_alloc *ctx)
{
	if (!bct_filter_pass())
		return 0;
	return kalloc(ctx, ctx->pfn, (__u64)MEMLEAK_PAGE_SIZE << ctx->order, false);
}

SEC("tracepoint/kmem/mm_page_free")
int mm_page_free(struct trace_event_raw_mm_page_free *ctx)
{
	return free_enter(ctx, ctx->pfn);
}

#endif
