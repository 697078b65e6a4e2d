// SPDX-License-Identifier: Apache-2.0
/*
 * readahead: pages brought in by read-ahead, their first use and their age then. Per interval
 * (drained by cmd/readahead.c): a log2 histogram of used pages' ages in milliseconds (key 0)
 * and the pages read ahead and used (key 1).
 *
 * Two methods (cmd/readahead.c declares them):
 *   kprobe      BCC's: a thread is in read-ahead between do_page_cache_ra()'s entry and
 *               return; each folio it allocates then (filemap_alloc_folio_noprof()'s return)
 *               is born; folio_mark_accessed() on a born folio is its use
 *   tracepoint  (an approximation) a readahead:* event marks the thread as reading ahead
 *               that file; each page it adds to that file's page cache
 *               (filemap:mm_filemap_add_to_page_cache) is born, keyed by (device, inode,
 *               index); the thread's next page lookup (filemap:mm_filemap_get_pages, which
 *               fires after the read's read-ahead is done) or file fault ends the read-ahead,
 *               as does an add to another file. A page is used when a read looks up its index
 *               (mm_filemap_get_pages' range) or a fault hits it (mm_filemap_fault).
 * Credit: the original BCC readahead is by Suchakrapani Sharma.
 */
#include "vmlinux.h"
#include <bpf_helpers.h>
#include <bpf_tracing.h>
#include <bpf_core_read.h>

#define BCT_NO_EVENTS
#include "bct_common.bpf.h"
#include "readahead.h"
#include "bct_hist.bpf.h"

char LICENSE[] SEC("license") = "GPL";

BCT_HIST_MAP(hists, __u32, 2);

#define RA_MAX_PAGES 2048 /* pages looked at per lookup event (a read's later batches: more) */

/* A page read ahead: (device, inode, index) from the tracepoints; (folio, 0, 0) from kprobes */
struct rah_page {
	__u64 a;
	__u64 b;
	__u64 c;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct rah_page);
	__type(value, __u64); /* birth time, ns */
} births SEC(".maps");

/* Threads in read-ahead: the file (device, inode; 1 for the kprobe method) */
struct rah_file {
	__u64 dev;
	__u64 ino;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct rah_file);
} in_ra SEC(".maps");

static __always_inline void count(int slot, __u64 n)
{
	__u32 key = READAHEAD_KEY_PAGES;
	struct bct_hist *h = bct_hist_lookup(&hists, &key);

	if (h && slot >= 0 && slot < BCT_HIST_SLOTS)
		__sync_fetch_and_add(&h->slots[slot], n);
}

static __always_inline void born(const struct rah_page *k, __u64 now)
{
	bpf_map_update_elem(&births, k, &now, BPF_ANY);
}

/* The page's first use: its age into the histogram, once. */
static __always_inline void use(const struct rah_page *k, __u64 now)
{
	__u32 key = READAHEAD_KEY_AGE;
	__u64 *ts = bpf_map_lookup_elem(&births, k);
	__u64 age;

	if (!ts)
		return;
	age = now > *ts ? now - *ts : 0;
	bpf_map_delete_elem(&births, k);
	bct_hist_log2(&hists, &key, age / 1000000);
	count(READAHEAD_USED, 1);
}

static __always_inline void ra_begin(__u64 dev, __u64 ino)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct rah_file f = { dev, ino };

	bpf_map_update_elem(&in_ra, &tid, &f, BPF_ANY);
}

static __always_inline void ra_end(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&in_ra, &tid);
}

/* --- BCC's kprobes -------------------------------------------------------------------------- */

SEC("kprobe/do_page_cache_ra")
int ra_enter_kp(void *ctx)
{
	ra_begin(1, 1);
	return 0;
}

SEC("kretprobe/do_page_cache_ra")
int ra_exit_kp(void *ctx)
{
	ra_end();
	return 0;
}

SEC("kretprobe/filemap_alloc_folio_noprof")
int BPF_KRETPROBE(ra_alloc_kp, void *folio)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct rah_page k = { (__u64)folio, 0, 0 };

	if (!folio || !bpf_map_lookup_elem(&in_ra, &tid))
		return 0;
	born(&k, bpf_ktime_get_ns());
	count(READAHEAD_BORN, 1);
	return 0;
}

SEC("kprobe/folio_mark_accessed")
int BPF_KPROBE(ra_accessed_kp, void *folio)
{
	struct rah_page k = { (__u64)folio, 0, 0 };

	use(&k, bpf_ktime_get_ns());
	return 0;
}

/* --- tracepoints ---------------------------------------------------------------------------- */

/* The records, as this kernel's format files give them. */
struct rah_ra_args {
	__u64 common;
	__u64 i_ino;
	__u32 s_dev;
};

struct rah_add_args {
	__u64 common;
	__u64 pfn;
	__u64 i_ino;
	__u64 index;
	__u32 s_dev;
	__u8 order;
};

struct rah_lookup_args {
	__u64 common;
	__u64 i_ino;
	__u32 s_dev;
	__u32 pad;
	__u64 index;
	__u64 last_index;
};

struct rah_fault_args {
	__u64 common;
	__u64 i_ino;
	__u32 s_dev;
	__u32 pad;
	__u64 index;
};

SEC("tracepoint/readahead/page_cache_sync_ra")
int ra_sync_tp(struct rah_ra_args *ctx)
{
	ra_begin(ctx->s_dev, ctx->i_ino);
	return 0;
}

SEC("tracepoint/readahead/page_cache_async_ra")
int ra_async_tp(struct rah_ra_args *ctx)
{
	ra_begin(ctx->s_dev, ctx->i_ino);
	return 0;
}

SEC("tracepoint/readahead/page_cache_ra_unbounded")
int ra_unbounded_tp(struct rah_ra_args *ctx)
{
	ra_begin(ctx->s_dev, ctx->i_ino);
	return 0;
}

SEC("tracepoint/readahead/page_cache_ra_order")
int ra_order_tp(struct rah_ra_args *ctx)
{
	ra_begin(ctx->s_dev, ctx->i_ino);
	return 0;
}

struct rah_walk {
	struct rah_page k;
	__u64 now;
	bool birth;
};

static long walk_one(__u64 i, void *data)
{
	struct rah_walk *w = data;
	struct rah_page k = w->k;

	k.c += i;
	if (w->birth)
		born(&k, w->now);
	else
		use(&k, w->now);
	return 0;
}

SEC("tracepoint/filemap/mm_filemap_add_to_page_cache")
int ra_add_tp(struct rah_add_args *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct rah_file *f = bpf_map_lookup_elem(&in_ra, &tid);
	struct rah_walk w = { { ctx->s_dev, ctx->i_ino, ctx->index }, bpf_ktime_get_ns(), true };
	__u64 n = 1ULL << (ctx->order & 15);

	if (!f)
		return 0;
	if (f->dev != ctx->s_dev || f->ino != ctx->i_ino) {
		ra_end(); /* an add to another file: the read-ahead is over */
		return 0;
	}
	bpf_loop(n, walk_one, &w, 0);
	count(READAHEAD_BORN, n);
	return 0;
}

SEC("tracepoint/filemap/mm_filemap_get_pages")
int ra_lookup_tp(struct rah_lookup_args *ctx)
{
	struct rah_walk w = { { ctx->s_dev, ctx->i_ino, ctx->index }, bpf_ktime_get_ns(), false };
	__u64 n;

	ra_end();
	if (ctx->last_index < ctx->index)
		return 0;
	n = ctx->last_index - ctx->index + 1;
	if (n > RA_MAX_PAGES)
		n = RA_MAX_PAGES;
	bpf_loop(n, walk_one, &w, 0);
	return 0;
}

SEC("tracepoint/filemap/mm_filemap_fault")
int ra_fault_tp(struct rah_fault_args *ctx)
{
	struct rah_page k = { ctx->s_dev, ctx->i_ino, ctx->index };

	ra_end();
	use(&k, bpf_ktime_get_ns());
	return 0;
}
