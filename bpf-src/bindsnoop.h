/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bindsnoop: the event record and the --count key shared by bpf-src/bindsnoop.bpf.c and
 * cmd/bindsnoop.c. Fixed-width types only.
 */
#ifndef BINDSNOOP_H
#define BINDSNOOP_H

#define BINDSNOOP_COMM_LEN 16

/* the OPTS bits, BCC's letters F T N R r */
#define BINDSNOOP_FREEBIND 0x01
#define BINDSNOOP_TRANSPARENT 0x02
#define BINDSNOOP_NO_PORT 0x04
#define BINDSNOOP_REUSEADDR 0x08
#define BINDSNOOP_REUSEPORT 0x10

struct bindsnoop_event {
	__u64 ts_us;
	__u32 pid; /* tgid */
	__u32 uid;
	__s32 ret; /* 0 or -errno */
	__u32 bound_dev_if; /* SO_BINDTODEVICE's interface index, 0 for none */
	__u16 family; /* AF_INET or AF_INET6 */
	__u16 port; /* host order */
	__u16 protocol; /* IPPROTO_* */
	__u8 opts; /* BINDSNOOP_* */
	__u8 pad;
	__u8 addr[16]; /* IPv4 in the first 4 bytes */
	char comm[BINDSNOOP_COMM_LEN];
};

/* --count: binds per family, address and port */
struct bindsnoop_key {
	__u8 addr[16];
	__u16 family;
	__u16 port;
	__u32 pad;
};

#endif
