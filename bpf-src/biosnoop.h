/* SPDX-License-Identifier: Apache-2.0 */
/*
 * biosnoop: the event record shared by bpf-src/biosnoop.bpf.c and cmd/biosnoop.c.
 * Fixed-width types only; no user-space or kernel headers.
 */
#ifndef BIOSNOOP_H
#define BIOSNOOP_H

#define BIOSNOOP_COMM_LEN 16

/* biosnoop_event.pattern (-P) */
#define BIOSNOOP_UNKNOWN 0
#define BIOSNOOP_SEQUENTIAL 1
#define BIOSNOOP_RANDOM 2

/* One completed request. */
struct biosnoop_event {
	__u64 ts; /* CLOCK_MONOTONIC ns at completion */
	__u64 delta; /* ns from issue to the device to completion */
	__u64 qdelta; /* ns from creation (accounting start) to issue; 0 when unknown */
	__u64 sector; /* first sector */
	__u64 len; /* bytes, as issued */
	__u32 pid; /* tgid that created the request; 0 when unknown */
	__u32 dev; /* the disk's dev_t, kernel encoding (major << 20 | minor); 0: unknown */
	__u8 write; /* 1: the operation is a write (BCC's T column "W"), else 0 ("R") */
	__u8 pattern; /* -P: BIOSNOOP_* */
	__u8 has_info; /* 1: comm and pid are known (the request was seen starting) */
	__u8 pad[5];
	char comm[BIOSNOOP_COMM_LEN];
};

#endif
