/* SPDX-License-Identifier: Apache-2.0 */
/* tcptop: the map key shared by bpf-src/tcptop.bpf.c and cmd/tcptop.c. */
#ifndef TCPTOP_H
#define TCPTOP_H

#define TCPTOP_COMM_LEN 16
#define TCPTOP_MAX_KEYS 10240
/* value slots: the histogram kit's struct bct_hist with these two byte counters */
enum { TCPTOP_TX, TCPTOP_RX, TCPTOP_SLOTS };

/* One row: a process and a TCP connection (addresses in network order, ports in host order). */
struct tcptop_key {
	__u32 pid;
	__u16 family; /* AF_INET or AF_INET6 */
	__u16 lport;
	__u16 rport;
	__u16 pad;
	__u8 laddr[16]; /* IPv4: the first 4 bytes */
	__u8 raddr[16];
	char comm[TCPTOP_COMM_LEN];
};

#endif
