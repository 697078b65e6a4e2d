/* SPDX-License-Identifier: Apache-2.0 */
/*
 * offcputime: what bpf-src/offcputime.bpf.c and cmd/offcputime.c share. Fixed-width types only.
 *
 * Map "counts": struct offcpu_key -> __u64 microseconds off CPU. Map "stack_traces": the stacks
 * (bct_stack.bpf.h).
 */
#ifndef OFFCPUTIME_H
#define OFFCPUTIME_H

#define OFFCPU_COMM_LEN 16
#define OFFCPU_MAX_KEYS 10240 /* distinct (thread, stacks) per run (BCC's default hash size) */
#define OFFCPU_MAX_START 32768 /* threads off CPU at once */

struct offcpu_key {
	__u32 pid; /* the thread ID */
	__u32 tgid; /* its process */
	__s32 user_stack_id; /* or -errno */
	__s32 kernel_stack_id; /* or -errno */
	char comm[OFFCPU_COMM_LEN];
};

#endif
