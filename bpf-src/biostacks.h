/* SPDX-License-Identifier: Apache-2.0 */
/* biostacks: the histogram map's key both sides share (bpf-src/biostacks.bpf.c). */
#ifndef BIOSTACKS_H
#define BIOSTACKS_H

#define BIOSTACKS_COMM_LEN 16
#define BIOSTACKS_MAX_KEYS 10240

/* Who started the I/O, on which disk, from which kernel stack. */
struct biostacks_key {
	__u32 pid;
	__u32 dev; /* the kernel's dev_t */
	__s32 stack_id; /* kernel stack at the request's start, or -errno */
	__u32 pad;
	char comm[BIOSTACKS_COMM_LEN];
};

#endif
