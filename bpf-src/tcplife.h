/* SPDX-License-Identifier: Apache-2.0 */
/* tcplife: the event record shared by bpf-src/tcplife.bpf.c and cmd/tcplife.c. */
#ifndef TCPLIFE_H
#define TCPLIFE_H

struct tcplife_event {
	__u64 ts; /* CLOCK_MONOTONIC ns at close */
	__u64 span_us; /* from the first state before FIN_WAIT1 seen to CLOSE */
	__u64 rx_bytes; /* tcp_sock.bytes_received */
	__u64 tx_bytes; /* tcp_sock.bytes_acked */
	__u32 pid; /* the process that connected or closed last, else the task at close */
	__u16 lport;
	__u16 rport;
	__u8 family; /* 4 or 6 */
	__u8 pad[7];
	__u8 saddr[16]; /* IPv4: the first 4 bytes */
	__u8 daddr[16];
	char comm[16];
};

#endif
