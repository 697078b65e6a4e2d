/* SPDX-License-Identifier: Apache-2.0 */
/* tcptracer: the event record shared by bpf-src/tcptracer.bpf.c and cmd/tcptracer.c. */
#ifndef TCPTRACER_H
#define TCPTRACER_H

#define TCPT_CONNECT 1
#define TCPT_ACCEPT 2
#define TCPT_CLOSE 3

struct tcptracer_event {
	__u64 ts; /* CLOCK_MONOTONIC ns */
	__u32 pid;
	__u32 netns; /* the socket's network namespace inode number */
	__u16 sport; /* local port, host order */
	__u16 dport; /* remote port, host order */
	__u8 type; /* TCPT_* */
	__u8 family; /* 4 or 6 */
	__u8 pad[2];
	__u8 saddr[16]; /* local; IPv4: the first 4 bytes */
	__u8 daddr[16]; /* remote */
	char comm[16];
};

#endif
