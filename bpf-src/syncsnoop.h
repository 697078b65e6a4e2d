/* SPDX-License-Identifier: Apache-2.0 */
/*
 * syncsnoop: the event record shared by bpf-src/syncsnoop.bpf.c and cmd/syncsnoop.c.
 * Fixed-width types only.
 */
#ifndef SYNCSNOOP_H
#define SYNCSNOOP_H

#define SYNCSNOOP_COMM_LEN 16

/* syncsnoop_event.call */
enum syncsnoop_call {
	SYNCSNOOP_SYNC,
	SYNCSNOOP_FSYNC,
	SYNCSNOOP_FDATASYNC,
	SYNCSNOOP_MSYNC,
	SYNCSNOOP_SYNC_FILE_RANGE,
	SYNCSNOOP_SYNC_FILE_RANGE2,
	SYNCSNOOP_SYNCFS,
	SYNCSNOOP_NCALLS,
};

struct syncsnoop_event {
	__u64 ts; /* CLOCK_MONOTONIC ns at syscall entry */
	__u32 pid; /* tgid */
	__u32 call; /* enum syncsnoop_call */
	char comm[SYNCSNOOP_COMM_LEN];
};

#endif
