/* SPDX-License-Identifier: Apache-2.0 */
/* tcpcong: the map keys shared by bpf-src/tcpcong.bpf.c and cmd/tcpcong.c. */
#ifndef TCPCONG_H
#define TCPCONG_H

/* the congestion states, as the kernel numbers them (enum tcp_ca_state) */
#define TCPCONG_STATES 5

/* The table (without -d): one entry per connection, its slots these sums. */
enum {
	TCPCONG_OPEN, /* us spent in each state, by state number */
	TCPCONG_CHANGES = TCPCONG_STATES, /* state changes counted */
	TCPCONG_SLOTS,
};

struct tcpcong_flow {
	__u8 saddr[16]; /* local; IPv4: the first 4 bytes */
	__u8 daddr[16]; /* remote */
	__u16 lport; /* host order */
	__u16 dport; /* host order */
	__u16 family; /* 4 or 6 */
	__u16 pad;
};

/* -d: one histogram per state */
struct tcpcong_state_key {
	__u32 state;
};

#endif
