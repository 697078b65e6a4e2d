/* SPDX-License-Identifier: Apache-2.0 */
/* tcpconnect: the event record and count key shared by bpf-src/tcpconnect.bpf.c and cmd/tcpconnect.c. */
#ifndef TCPCONNECT_H
#define TCPCONNECT_H

struct tcpconnect_event {
	__u64 ts; /* CLOCK_MONOTONIC ns */
	__u32 pid;
	__u32 uid;
	__u16 lport; /* host order; 0 without -L */
	__u16 dport; /* host order */
	__u8 family; /* 4 or 6 */
	__u8 pad[3];
	__u8 saddr[16]; /* IPv4: the first 4 bytes */
	__u8 daddr[16];
	char comm[16];
};

/* -c: connects counted per source address, destination address and port */
struct tcpconnect_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 dport;
	__u8 family;
	__u8 pad[5];
};

#endif
