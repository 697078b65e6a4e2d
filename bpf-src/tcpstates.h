/* SPDX-License-Identifier: Apache-2.0 */
/* tcpstates: the event record shared by bpf-src/tcpstates.bpf.c and cmd/tcpstates.c. */
#ifndef TCPSTATES_H
#define TCPSTATES_H

struct tcpstates_event {
	__u64 ts; /* CLOCK_MONOTONIC ns */
	__u64 skaddr; /* the socket's kernel address, its identity */
	__u64 span_us; /* time in the old state; 0 when its start was not seen */
	__u32 pid; /* the task running when the state changed (tgid) */
	__u16 lport;
	__u16 rport;
	__u8 family; /* 4 or 6 */
	__u8 oldstate;
	__u8 newstate;
	__u8 pad[5];
	__u8 saddr[16]; /* IPv4: the first 4 bytes */
	__u8 daddr[16];
	char comm[16];
};

#endif
