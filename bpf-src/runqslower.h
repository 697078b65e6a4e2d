/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runqslower: the event bpf-src/runqslower.bpf.c sends and cmd/runqslower.c prints. Fixed-width
 * types only.
 */
#ifndef RUNQSLOWER_H
#define RUNQSLOWER_H

#define RUNQSLOWER_COMM_LEN 16
#define RUNQSLOWER_MAX_START 32768 /* tasks waiting on a run queue at once */

struct runqslower_event {
	__u64 delta_us; /* time on the run queue */
	__u32 pid; /* the thread that waited (TID) */
	__u32 prev_pid; /* the thread it replaced on the CPU */
	char task[RUNQSLOWER_COMM_LEN];
	char prev_task[RUNQSLOWER_COMM_LEN];
};

#endif
