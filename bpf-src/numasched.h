/* SPDX-License-Identifier: Apache-2.0 */
/*
 * numasched: what bpf-src/numasched.bpf.c and cmd/numasched.c share. Fixed-width types only.
 *
 * One event per task that is switched out on another NUMA node than the one it was last
 * switched out on.
 */
#ifndef NUMASCHED_H
#define NUMASCHED_H

#define NUMASCHED_COMM_LEN 16
#define NUMASCHED_MAX_TASKS 10240

struct numasched_event {
	__u32 pid; /* the task's process (tgid) */
	__u32 tid;
	__u32 old_nid; /* the node it last ran on */
	__u32 new_nid; /* the node it runs on now */
	char comm[NUMASCHED_COMM_LEN];
};

#endif
