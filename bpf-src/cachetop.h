/* SPDX-License-Identifier: Apache-2.0 */
/* cachetop: the map key and counters shared by bpf-src/cachetop.bpf.c and cmd/cachetop.c. */
#ifndef CACHETOP_H
#define CACHETOP_H

#define CACHETOP_MAX_KEYS 10240

/* value slots of each process's entry: cachestat's four counters (bpf-src/cachestat.h) */
enum {
	CACHETOP_ACCESSED, /* BCC's mark_page_accessed() calls; here: pages looked up */
	CACHETOP_ADDED, /* add_to_page_cache_lru() calls; here: pages added */
	CACHETOP_DIRTIED, /* account_page_dirtied() calls; here: folios dirtied */
	CACHETOP_BUF_DIRTIED, /* mark_buffer_dirty() calls */
	CACHETOP_SLOTS
};

/* BCC's key: the process (tgid), the user and the thread's command name */
struct cachetop_key {
	__u32 pid;
	__u32 uid;
	char comm[16];
};

#endif
