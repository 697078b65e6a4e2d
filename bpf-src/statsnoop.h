/* SPDX-License-Identifier: Apache-2.0 */
/*
 * statsnoop: the event record shared by bpf-src/statsnoop.bpf.c and cmd/statsnoop.c.
 * Fixed-width types only. The path is NUL-terminated inside its area unless STATSNOOP_TRUNC
 * says it was cut to fit.
 */
#ifndef STATSNOOP_H
#define STATSNOOP_H

#define STATSNOOP_COMM_LEN 16
#define STATSNOOP_PATH_LEN 1024

/* statsnoop_event.call: which syscall */
enum statsnoop_call {
	STATSNOOP_STATFS,
	STATSNOOP_NEWSTAT,
	STATSNOOP_NEWLSTAT,
	STATSNOOP_NEWFSTATAT,
	STATSNOOP_STATX,
	STATSNOOP_NCALLS,
};

#define STATSNOOP_TRUNC (1U << 0) /* statsnoop_event.info: the path's end did not fit */

struct statsnoop_event {
	__u64 ts; /* CLOCK_MONOTONIC ns at syscall exit */
	__u32 pid; /* tgid */
	__u32 tid;
	__s32 ret; /* 0 or -errno */
	__u32 call; /* enum statsnoop_call */
	__u32 info; /* STATSNOOP_* bits */
	__u32 pad;
	char comm[STATSNOOP_COMM_LEN];
	char path[STATSNOOP_PATH_LEN];
};

#endif
