/* SPDX-License-Identifier: Apache-2.0 */
/*
 * profile: what bpf-src/profile.bpf.c and cmd/profile.c share. Fixed-width types only.
 *
 * Map "counts": struct profile_key -> __u64 samples. Map "stack_traces": the stacks
 * (bct_stack.bpf.h). Map "ids" (-p/-L lists): the process or thread IDs to sample.
 */
#ifndef PROFILE_H
#define PROFILE_H

#define PROFILE_COMM_LEN 16
#define PROFILE_MAX_KEYS 10240 /* distinct stacks per run (BCC's default hash size) */
#define PROFILE_MAX_IDS 1024 /* -p/-L list entries */

struct profile_key {
	__u32 pid; /* the process ID */
	__s32 user_stack_id; /* or -errno */
	__u64 kernel_ip; /* the sampled instruction when in the kernel, else 0 */
	__s32 kernel_stack_id; /* or -errno */
	char comm[PROFILE_COMM_LEN];
	__u32 pad;
};

#endif
