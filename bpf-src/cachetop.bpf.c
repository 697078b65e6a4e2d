// SPDX-License-Identifier: Apache-2.0
/*
 * cachetop: cachestat's page cache counters per process, user and command, in the histogram
 * kit's map, drained by cmd/cachetop.c each interval.
 *
 * The same four hooks as bpf-src/cachestat.bpf.c (cmd/cachetop.c declares them), each BCC's
 * kprobe first:
 *   accesses        kprobe folio_mark_accessed(); else (tp_btf, an approximation) the pages
 *                   each read looks up in the page cache (filemap:mm_filemap_get_pages, its
 *                   range cut at the end of the file, a read's later batches not counted
 *                   again) and each page fault on a file (filemap:mm_filemap_fault)
 *   additions       kprobe filemap_add_folio(); else filemap:mm_filemap_add_to_page_cache,
 *                   as pages (1 << order)
 *   dirtied pages   kprobe folio_account_dirtied(); else writeback:writeback_dirty_folio
 *   dirtied buffers kprobe mark_buffer_dirty(); else block:block_dirty_buffer
 * Each is counted for the process current when it fires. Filter: the shared -p.
 * Credit: the original BCC cachetop is by Emmanuel Bretelle.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "bct_filter.bpf.h"
#include "cachetop.h"
#define BCT_HIST_SLOTS CACHETOP_SLOTS
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, struct cachetop_key, CACHETOP_MAX_KEYS);

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

static __always_inline int add(int slot, __u64 n)
{
	struct cachetop_key key = {};
	struct bct_hist *h;

	if (!bct_filter_pass())
		return 0;
	key.pid = bpf_get_current_pid_tgid() >> 32;
	key.uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	h = bct_hist_lookup(&hists, &key);
	if (h && slot >= 0 && slot < CACHETOP_SLOTS)
		__sync_fetch_and_add(&h->slots[slot], n);
	return 0;
}

/* --- BCC's kprobes -------------------------------------------------------------------------- */

SEC("kprobe/folio_mark_accessed")
int ct_accessed_kp(void *ctx)
{
	return add(CACHETOP_ACCESSED, 1);
}

SEC("kprobe/filemap_add_folio")
int ct_added_kp(void *ctx)
{
	return add(CACHETOP_ADDED, 1);
}

SEC("kprobe/folio_account_dirtied")
int ct_dirtied_kp(void *ctx)
{
	return add(CACHETOP_DIRTIED, 1);
}

SEC("kprobe/mark_buffer_dirty")
int ct_buf_dirtied_kp(void *ctx)
{
	return add(CACHETOP_BUF_DIRTIED, 1);
}

/* --- tracepoints ---------------------------------------------------------------------------- */

SEC("tp_btf/mm_filemap_get_pages")
int BPF_PROG(ct_lookup_btf, struct address_space *mapping, unsigned long index, unsigned long last)
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
	return add(CACHETOP_ACCESSED, last - index + 1);
}

SEC("tp_btf/mm_filemap_fault")
int BPF_PROG(ct_fault_btf)
{
	return add(CACHETOP_ACCESSED, 1);
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
int ct_added_tp(struct add_args *ctx)
{
	return add(CACHETOP_ADDED, 1ULL << (ctx->order & 31));
}

SEC("tracepoint/writeback/writeback_dirty_folio")
int ct_dirtied_tp(void *ctx)
{
	return add(CACHETOP_DIRTIED, 1);
}

SEC("tracepoint/block/block_dirty_buffer")
int ct_buf_dirtied_tp(void *ctx)
{
	return add(CACHETOP_BUF_DIRTIED, 1);
}
