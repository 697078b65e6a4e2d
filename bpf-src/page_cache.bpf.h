/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The page cache hooks of cachestat and cachetop (their methods: cmd/page_cache.h), each BCC's
 * kprobe first:
 *   accesses        kprobe folio_mark_accessed(); else (tp_btf, an approximation) the pages
 *                   each read looks up in the page cache (filemap:mm_filemap_get_pages, its
 *                   range cut at the end of the file, a read's later batches not counted
 *                   again) and each page fault on a file (filemap:mm_filemap_fault)
 *   additions       kprobe filemap_add_folio(); else filemap:mm_filemap_add_to_page_cache,
 *                   as pages (1 << order)
 *   dirtied pages   kprobe folio_account_dirtied(); else writeback:writeback_dirty_folio
 *   dirtied buffers kprobe mark_buffer_dirty(); else block:block_dirty_buffer (fired in it)
 * The including tool defines, before including this file,
 *   static __always_inline int page_cache_add(int slot, __u64 n)
 * which counts n in slot (PAGE_CACHE_ACCESSED...) where the tool keeps its counters.
 */
#ifndef PAGE_CACHE_BPF_H
#define PAGE_CACHE_BPF_H

#include "page_cache.h"

/* the last read lookup of each thread: a read's later batches repeat its range's end */
struct lookup {
	__u64 mapping;
	__u64 index;
	__u64 last;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct lookup);
} lookups SEC(".maps");

/* --- BCC's kprobes -------------------------------------------------------------------------- */

SEC("kprobe/folio_mark_accessed")
int pc_accessed_kp(void *ctx)
{
	return page_cache_add(PAGE_CACHE_ACCESSED, 1);
}

SEC("kprobe/filemap_add_folio")
int pc_added_kp(void *ctx)
{
	return page_cache_add(PAGE_CACHE_ADDED, 1);
}

SEC("kprobe/folio_account_dirtied")
int pc_dirtied_kp(void *ctx)
{
	return page_cache_add(PAGE_CACHE_DIRTIED, 1);
}

SEC("kprobe/mark_buffer_dirty")
int pc_buf_dirtied_kp(void *ctx)
{
	return page_cache_add(PAGE_CACHE_BUF_DIRTIED, 1);
}

/* --- tracepoints ---------------------------------------------------------------------------- */

SEC("tp_btf/mm_filemap_get_pages")
int BPF_PROG(pc_lookup_btf, struct address_space *mapping, unsigned long index, unsigned long last)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct lookup *prev = bpf_map_lookup_elem(&lookups, &id);
	struct lookup cur = { (__u64)mapping, index, last };
	__s64 size = BPF_CORE_READ(mapping, host, i_size);
	__u64 end;

	if (prev && prev->mapping == cur.mapping && prev->last == last && index > prev->index) {
		/* a later batch of the same read: its pages were counted with the first */
		prev->index = index;
		return 0;
	}
	bpf_map_update_elem(&lookups, &id, &cur, BPF_ANY);
	if (size <= 0)
		return 0;
	end = ((__u64)size - 1) >> 12; /* the last page of the file */
	if (last > end)
		last = end;
	if (index > last)
		return 0;
	return page_cache_add(PAGE_CACHE_ACCESSED, last - index + 1);
}

SEC("tp_btf/mm_filemap_fault")
int BPF_PROG(pc_fault_btf)
{
	return page_cache_add(PAGE_CACHE_ACCESSED, 1);
}

/* The tracepoint's record, as its format file gives it. */
struct add_args {
	__u64 common;
	__u64 pfn;
	__u64 i_ino;
	__u64 index;
	__u32 s_dev;
	__u8 order;
};

SEC("tracepoint/filemap/mm_filemap_add_to_page_cache")
int pc_added_tp(struct add_args *ctx)
{
	return page_cache_add(PAGE_CACHE_ADDED, 1ULL << (ctx->order & 31));
}

SEC("tracepoint/writeback/writeback_dirty_folio")
int pc_dirtied_tp(void *ctx)
{
	return page_cache_add(PAGE_CACHE_DIRTIED, 1);
}

SEC("tracepoint/block/block_dirty_buffer")
int pc_buf_dirtied_tp(void *ctx)
{
	return page_cache_add(PAGE_CACHE_BUF_DIRTIED, 1);
}

#endif
