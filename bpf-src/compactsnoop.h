/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compactsnoop: the event record bpf-src/compactsnoop.bpf.c sends to cmd/compactsnoop.c.
 * Fixed-width types only.
 */
#ifndef COMPACTSNOOP_H
#define COMPACTSNOOP_H

#define COMPACTSNOOP_COMM_LEN 16

struct compactsnoop_event {
	__u64 ts_ns; /* end of the compaction, CLOCK_MONOTONIC */
	__u64 delta_ns; /* its duration */
	__u32 pid;
	__u32 tid;
	__s32 nid;
	__s32 idx; /* zone index in its node */
	__s32 order; /* -1: a whole-zone compaction (/proc/sys/vm/compact_memory, proactive) */
	__s32 sync;
	__s32 status; /* enum compact_result */
	__s32 stack_id; /* kernel stack in "stack_traces" (-K), < 0: none */
	char comm[COMPACTSNOOP_COMM_LEN];
};

#endif
