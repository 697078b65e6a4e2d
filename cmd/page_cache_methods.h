/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attach methods of the tools whose BPF side is bpf-src/page_cache.bpf.h (cachestat,
 * cachetop): BCC's kprobes, then the filemap, writeback and block tracepoints. One table, so
 * that the two tools cannot drift apart.
 */
#ifndef BCT_CMD_PAGE_CACHE_METHODS_H
#define BCT_CMD_PAGE_CACHE_METHODS_H

#include "histtool.h"
#include "prog.h"
#include "page_cache.h"

static const struct bct_method page_cache_access_methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("pc_accessed_kp", "kprobe/folio_mark_accessed")) },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("pc_lookup_btf", "tp_btf/mm_filemap_get_pages"),
			     BCT_PROG("pc_fault_btf", "tp_btf/mm_filemap_fault")),
	  .approx = "accesses are pages looked up by reads and file page faults" },
	{ NULL },
};

static const struct bct_method page_cache_add_methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("pc_added_kp", "kprobe/filemap_add_folio")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(
		  BCT_PROG("pc_added_tp", "tracepoint/filemap/mm_filemap_add_to_page_cache")),
	  .approx = "additions counted in pages, not calls" },
	{ NULL },
};

static const struct bct_method page_cache_dirty_methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("pc_dirtied_kp", "kprobe/folio_account_dirtied")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(
		  BCT_PROG("pc_dirtied_tp", "tracepoint/writeback/writeback_dirty_folio")) },
	{ NULL },
};

static const struct bct_method page_cache_buffer_methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("pc_buf_dirtied_kp", "kprobe/mark_buffer_dirty")) },
	{ .name = "tracepoint",
	  .progs =
		  BCT_PROGS(BCT_PROG("pc_buf_dirtied_tp", "tracepoint/block/block_dirty_buffer")) },
	{ NULL },
};

static const struct bct_hook page_cache_hooks[] = {
	{ "page cache accesses", page_cache_access_methods, false },
	{ "page cache additions", page_cache_add_methods, false },
	{ "dirtied pages", page_cache_dirty_methods, false },
	{ "dirtied buffers", page_cache_buffer_methods, false },
	{ NULL },
};

/* bcctool serve (cachestat, cachetop): the raw counters, BCC's four functions' calls */
static const struct bct_serve_counter page_cache_counters[] = {
	{ "page_accesses", PAGE_CACHE_ACCESSED, NULL, "page cache accesses (BCC's mpa)" },
	{ "pages_added", PAGE_CACHE_ADDED, NULL, "pages added to the page cache (BCC's apcl)" },
	{ "pages_dirtied", PAGE_CACHE_DIRTIED, NULL, "page cache pages dirtied (BCC's apd)" },
	{ "buffers_dirtied", PAGE_CACHE_BUF_DIRTIED, NULL, "buffers dirtied (BCC's mbd)" },
	{ NULL },
};

#endif
