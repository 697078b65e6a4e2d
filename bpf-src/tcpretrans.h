/* SPDX-License-Identifier: Apache-2.0 */
/* tcpretrans: the event record and the -c count key both sides share. */
#ifndef TCPRETRANS_H
#define TCPRETRANS_H

#define TCPRETRANS_RETRANSMIT 1
#define TCPRETRANS_TLP 2

struct tcpretrans_event {
	__u32 pid;
	__u32 seq;
	__u32 state;
	__u16 type; /* TCPRETRANS_RETRANSMIT or TCPRETRANS_TLP */
	__u16 family; /* 4 or 6 */
	__u16 lport; /* host order */
	__u16 rport;
	__u8 saddr[16]; /* IPv4: the first 4 bytes */
	__u8 daddr[16];
};

struct tcpretrans_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 lport;
	__u16 rport;
	__u16 family;
	__u16 pad;
};

#endif
