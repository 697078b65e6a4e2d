/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wakeuptime: what bpf-src/wakeuptime.bpf.c and cmd/wakeuptime.c share. Fixed-width types only.
 *
 * Map "counts": struct wakeup_key -> __u64 microseconds blocked. Map "stack_traces": the
 * wakers' kernel stacks (bct_stack.bpf.h).
 */
#ifndef WAKEUPTIME_H
#define WAKEUPTIME_H

#define WAKEUP_COMM_LEN 16
#define WAKEUP_MAX_KEYS 10240 /* distinct (waker stack, waker, target) per run */
#define WAKEUP_MAX_START 32768 /* threads blocked at once */

struct wakeup_key {
	__s32 w_k_stack_id; /* the waker's kernel stack, or -errno */
	char waker[WAKEUP_COMM_LEN];
	char target[WAKEUP_COMM_LEN];
};

#endif
