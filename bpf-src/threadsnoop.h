/* SPDX-License-Identifier: Apache-2.0 */
/*
 * threadsnoop: the event record shared by bpf-src/threadsnoop.bpf.c and cmd/threadsnoop.c.
 * Fixed-width types only.
 */
#ifndef THREADSNOOP_H
#define THREADSNOOP_H

#define THREADSNOOP_COMM_LEN 16

struct threadsnoop_event {
	__u64 ts_ns; /* bpf_ktime_get_ns() at the call */
	__u64 start; /* pthread_create()'s start_routine: an address in the caller */
	__u32 pid; /* tgid of the caller */
	__u32 tid;
	char comm[THREADSNOOP_COMM_LEN];
};

#endif
