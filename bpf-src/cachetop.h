/* SPDX-License-Identifier: Apache-2.0 */
/* cachetop: the map key and counters shared by bpf-src/cachetop.bpf.c and cmd/cachetop.c. */
#ifndef CACHETOP_H
#define CACHETOP_H

#define CACHETOP_MAX_KEYS 10240

/* value slots of each process's entry: bpf-src/page_cache.h's counters */
#include "page_cache.h"

/* BCC's key: the process (tgid), the user and the thread's command name */
struct cachetop_key {
	__u32 pid;
	__u32 uid;
	char comm[16];
};

#endif
