/* SPDX-License-Identifier: Apache-2.0 */
/*
 * offwaketime: what bpf-src/offwaketime.bpf.c and cmd/offwaketime.c share. Fixed-width types
 * only.
 *
 * Map "counts": struct offwake_key -> __u64 microseconds blocked. Map "stack_traces": the
 * stacks (bct_stack.bpf.h).
 */
#ifndef OFFWAKETIME_H
#define OFFWAKETIME_H

#define OFFWAKE_COMM_LEN 16
#define OFFWAKE_MAX_KEYS 10240 /* distinct keys per run (BCC's default hash size) */
#define OFFWAKE_MAX_START 32768 /* threads blocked at once */
#define OFFWAKE_MAX_IDS 5 /* -p / -t: at most 5 IDs, as BCC */

struct offwake_key {
	char waker[OFFWAKE_COMM_LEN]; /* empty when the wakeup was not seen */
	char target[OFFWAKE_COMM_LEN];
	__s32 w_k_stack_id; /* stack ids, or -errno (-EFAULT: none) */
	__s32 w_u_stack_id;
	__s32 t_k_stack_id;
	__s32 t_u_stack_id;
	__u32 t_pid; /* the target thread and its process */
	__u32 t_tgid;
	__u32 w_pid; /* the waker thread and its process */
	__u32 w_tgid;
};

#endif
