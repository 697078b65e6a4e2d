/* SPDX-License-Identifier: Apache-2.0 */
/*
 * killsnoop: the event record shared by bpf-src/killsnoop.bpf.c and cmd/killsnoop.c.
 * Fixed-width types only.
 */
#ifndef KILLSNOOP_H
#define KILLSNOOP_H

#define KILLSNOOP_COMM_LEN 16

struct killsnoop_event {
	__u32 pid; /* the sender's tgid */
	__s32 tpid; /* kill(2)'s first argument: a PID, 0, -1 or -PGID */
	__s32 sig; /* kill(2)'s second argument */
	__s32 ret; /* 0 or -errno */
	char comm[KILLSNOOP_COMM_LEN]; /* the sender's */
};

#endif
