/* SPDX-License-Identifier: Apache-2.0 */
/*
 * solisten: the event record shared by bpf-src/solisten.bpf.c and cmd/solisten.c.
 * Fixed-width types only.
 */
#ifndef SOLISTEN_H
#define SOLISTEN_H

#define SOLISTEN_COMM_LEN 16

struct solisten_event {
	__u64 netns; /* the socket's network namespace (its inode number) */
	__u32 pid; /* the caller's tgid */
	__s32 backlog; /* the queue limit the socket listens with */
	__u16 family; /* AF_INET or AF_INET6 */
	__u16 lport; /* host order */
	__u8 addr[16]; /* the bound address; IPv4 in the first 4 bytes */
	char comm[SOLISTEN_COMM_LEN];
};

#endif
