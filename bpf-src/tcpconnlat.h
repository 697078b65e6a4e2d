/* SPDX-License-Identifier: Apache-2.0 */
/* tcpconnlat: the event record shared by bpf-src/tcpconnlat.bpf.c and cmd/tcpconnlat.c. */
#ifndef TCPCONNLAT_H
#define TCPCONNLAT_H

struct tcpconnlat_event {
	__u64 ts; /* CLOCK_MONOTONIC ns, when the connection was established */
	__u64 delta_us; /* from the connect to ESTABLISHED */
	__u32 pid;
	__u16 lport; /* host order */
	__u16 dport; /* host order */
	__u8 family; /* 4 or 6 */
	__u8 pad[7];
	__u8 saddr[16]; /* IPv4: the first 4 bytes */
	__u8 daddr[16];
	char comm[16];
};

#endif
