/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ttysnoop: the event record shared by bpf-src/ttysnoop.bpf.c and cmd/ttysnoop.c: this header,
 * then the bytes written (len of them). Fixed-width types only.
 */
#ifndef TTYSNOOP_H
#define TTYSNOOP_H

#define TTYSNOOP_COMM_LEN 16

struct ttysnoop_hdr {
	__u32 pid; /* the writer's tgid */
	__u32 tid;
	__u32 len; /* bytes of data that follow the header */
	__u32 pad;
	char comm[TTYSNOOP_COMM_LEN];
};

#endif
