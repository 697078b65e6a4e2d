/* SPDX-License-Identifier: Apache-2.0 */
/*
 * funcslower: the event record shared by bpf-src/funcslower.bpf.c and cmd/funcslower.c.
 * Fixed-width types only.
 */
#ifndef FUNCSLOWER_H
#define FUNCSLOWER_H

#define FS_COMM_LEN 16
#define FS_NARGS 6

struct fs_event {
	__u64 func; /* index of the function in the command line */
	__u64 tgid_pid;
	__u64 start_ns;
	__u64 duration_ns;
	__u64 retval;
	__u64 args[FS_NARGS]; /* -a: the first six arguments; else 0 */
	__s32 user_stack_id; /* -U: id in stack_traces, or -errno; else -1 */
	__s32 kernel_stack_id; /* -K: likewise */
	char comm[FS_COMM_LEN];
};

#endif
