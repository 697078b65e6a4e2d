/* SPDX-License-Identifier: Apache-2.0 */
/* The page cache counters of cachestat and cachetop (bpf-src/page_cache.bpf.h), as value slots. */
#ifndef PAGE_CACHE_H
#define PAGE_CACHE_H

enum {
	PAGE_CACHE_ACCESSED, /* BCC's mark_page_accessed() calls; here: pages looked up */
	PAGE_CACHE_ADDED, /* add_to_page_cache_lru() calls; here: pages added */
	PAGE_CACHE_DIRTIED, /* account_page_dirtied() calls; here: folios dirtied */
	PAGE_CACHE_BUF_DIRTIED, /* mark_buffer_dirty() calls */
	PAGE_CACHE_SLOTS
};

#endif
