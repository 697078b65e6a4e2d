/* SPDX-License-Identifier: Apache-2.0 */
/*
 * drsnoop: the event bpf-src/drsnoop.bpf.c sends and cmd/drsnoop.c prints. Fixed-width types
 * only.
 */
#ifndef DRSNOOP_H
#define DRSNOOP_H

#define DRSNOOP_COMM_LEN 16
#define DRSNOOP_MAX_START 10240 /* tasks in direct reclaim at once */

struct drsnoop_event {
	__u64 ts_us; /* end of the reclaim, CLOCK_MONOTONIC, microseconds */
	__u64 delta_ns; /* time spent in direct reclaim */
	__u64 nr_reclaimed; /* pages reclaimed */
	__u32 pid;
	__u32 tid;
	__u32 uid;
	char comm[DRSNOOP_COMM_LEN];
};

#endif
