/* SPDX-License-Identifier: Apache-2.0 */
/* cachestat: the counters shared by bpf-src/cachestat.bpf.c and cmd/cachestat.c. */
#ifndef CACHESTAT_H
#define CACHESTAT_H

/* value slots of the one entry (key 0) of the histogram kit's map */
enum {
	CACHESTAT_ACCESSED, /* BCC's mark_page_accessed() calls; here: pages looked up */
	CACHESTAT_ADDED, /* add_to_page_cache_lru() calls; here: pages added */
	CACHESTAT_DIRTIED, /* account_page_dirtied() calls; here: folios dirtied */
	CACHESTAT_BUF_DIRTIED, /* mark_buffer_dirty() calls */
	CACHESTAT_SLOTS
};

#endif
