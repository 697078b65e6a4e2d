/* SPDX-License-Identifier: Apache-2.0 */
/* tcpaccept: the event record shared by bpf-src/tcpaccept.bpf.c and cmd/tcpaccept.c. */
#ifndef TCPACCEPT_H
#define TCPACCEPT_H

struct tcpaccept_event {
	__u64 ts; /* CLOCK_MONOTONIC ns */
	__u32 pid;
	__u16 lport; /* host order */
	__u16 rport; /* host order */
	__u8 family; /* 4 or 6 */
	__u8 pad[7];
	__u8 laddr[16]; /* IPv4: the first 4 bytes */
	__u8 raddr[16];
	char comm[16];
};

#endif
