/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exitsnoop: the event record shared by bpf-src/exitsnoop.bpf.c and cmd/exitsnoop.c.
 * Fixed-width types only; no user-space or kernel headers.
 */
#ifndef EXITSNOOP_H
#define EXITSNOOP_H

#define EXITSNOOP_COMM_LEN 16

struct exitsnoop_event {
	__u64 ts; /* CLOCK_MONOTONIC ns at the exit */
	__u64 start_ns; /* the task's start, CLOCK_MONOTONIC ns (task->start_time) */
	__u32 pid; /* tgid */
	__u32 tid;
	__u32 ppid; /* the parent's tgid (the process that will be notified) */
	__u32 exit_code; /* task->exit_code: status << 8, or the signal | 0x80 for a core dump */
	char comm[EXITSNOOP_COMM_LEN];
};

#endif
