/* SPDX-License-Identifier: Apache-2.0 */
/* tcppktlat: the event record shared by bpf-src/tcppktlat.bpf.c and cmd/tcppktlat.c. */
#ifndef TCPPKTLAT_H
#define TCPPKTLAT_H

struct tcppktlat_event {
	__u64 delta_us; /* from the last data segment's arrival to the read that took it */
	__u32 pid;
	__u32 tid;
	__u16 lport; /* host order */
	__u16 rport; /* host order */
	__u8 family; /* 4 or 6 */
	__u8 pad[7];
	__u8 laddr[16]; /* IPv4: the first 4 bytes */
	__u8 raddr[16];
	char comm[16];
};

#endif
