/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sofdsnoop: the event record shared by bpf-src/sofdsnoop.bpf.c and cmd/sofdsnoop.c, one per
 * file descriptor passed. Fixed-width types only.
 */
#ifndef SOFDSNOOP_H
#define SOFDSNOOP_H

#define SOFDSNOOP_COMM_LEN 16
#define SOFDSNOOP_FS_LEN 16
#define SOFDSNOOP_DNAME_LEN 64
#define SOFDSNOOP_PATH_MAX 512 /* a power of two */

enum { SOFDSNOOP_SEND = 0, SOFDSNOOP_RECV = 1 };

struct sofdsnoop_event {
	__u64 ts_ns;
	__u64 sock_ino; /* the socket's inode number; 0: its fd was not found */
	__u64 ino; /* SEND: the passed file's inode number */
	__u32 pid;
	__u32 tid;
	__s32 action; /* SOFDSNOOP_SEND or SOFDSNOOP_RECV */
	__s32 sock_fd;
	__s32 fd; /* SEND: the sender's fd; RECV: the receiver's new fd */
	__u32 path_off; /* SEND: the path is path[path_off..SOFDSNOOP_PATH_MAX) */
	__u8 found; /* SEND: the fd was open */
	__u8 pseudo; /* SEND: a file of no directory (pipe, socket, anon inode, memfd) */
	__u8 deleted; /* SEND: its name was removed */
	__u8 trunc; /* SEND: the path did not fit */
	char comm[SOFDSNOOP_COMM_LEN];
	char fstype[SOFDSNOOP_FS_LEN]; /* SEND */
	char dname[SOFDSNOOP_DNAME_LEN]; /* SEND: the last name */
	/* SEND: the path ends at path[SOFDSNOOP_PATH_MAX]; the rest is the walk's slack */
	char path[SOFDSNOOP_PATH_MAX + 256];
};

#endif
