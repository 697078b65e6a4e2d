/* SPDX-License-Identifier: Apache-2.0 */
/* deadlock: the maps both sides share (bpf-src/deadlock.bpf.c, cmd/deadlock.c). */
#ifndef DEADLOCK_H
#define DEADLOCK_H

/* the most mutexes one thread is seen holding at once (more are not tracked) */
#define DEADLOCK_MAX_HELD 16
#define DEADLOCK_COMM_LEN 16

/* edges: key, mutex1 was held when mutex2 was taken */
struct deadlock_edge_key {
	__u64 mutex1;
	__u64 mutex2;
};

struct deadlock_edge {
	__s64 mutex1_stack_id; /* where mutex1 was taken (user stack), or -errno */
	__s64 mutex2_stack_id; /* where mutex2 was taken */
	/* the return addresses into the functions that called the lock function (a stack taken
	 * at a function's entry misses its caller: the frame pointer is still the caller's) */
	__u64 mutex1_caller;
	__u64 mutex2_caller;
	__u32 tid;
	char comm[DEADLOCK_COMM_LEN];
};

/* thread_parent: key, the new thread's ID */
struct deadlock_parent {
	__s64 stack_id; /* the parent's user stack at the fork */
	__u32 parent_tid;
	char comm[DEADLOCK_COMM_LEN];
};

#endif
