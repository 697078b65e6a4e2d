/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mountsnoop: the event record shared by bpf-src/mountsnoop.bpf.c and cmd/mountsnoop.c.
 * Fixed-width types only. Each string is NUL-terminated inside its area unless its
 * MOUNTSNOOP_TRUNC bit says it was cut.
 */
#ifndef MOUNTSNOOP_H
#define MOUNTSNOOP_H

#define MOUNTSNOOP_COMM_LEN 16
#define MOUNTSNOOP_STR_LEN 512
#define MOUNTSNOOP_NSTR 4

/* mountsnoop_event.op */
enum mountsnoop_op {
	MOUNTSNOOP_MOUNT, /* str: source, target, type, data; flags */
	MOUNTSNOOP_UMOUNT, /* str: target; flags */
	MOUNTSNOOP_FSOPEN, /* str: fsname; flags */
	MOUNTSNOOP_FSCONFIG, /* fd, cmd, str: key, value; aux */
	MOUNTSNOOP_FSMOUNT, /* fd, flags, attr_flags */
	MOUNTSNOOP_MOVE_MOUNT, /* fd (from_dfd), str: from path; to_dfd, str[1]: to path; flags */
	MOUNTSNOOP_NOPS,
};

#define MOUNTSNOOP_TRUNC(i) (1U << (i)) /* mountsnoop_event.info: string i was cut */

struct mountsnoop_event {
	__u64 ts; /* CLOCK_MONOTONIC ns at syscall exit */
	__u64 flags; /* mount flags, umount flags, fsopen/fsmount/move_mount flags */
	__u32 pid; /* tgid */
	__u32 tid;
	__u32 ppid; /* the parent's tgid */
	__u32 mnt_ns; /* inode number of the caller's mount namespace */
	__s32 ret; /* 0, a file descriptor, or -errno */
	__u32 op; /* enum mountsnoop_op */
	__s32 fd; /* fsconfig's and fsmount's fd, move_mount's from_dfd */
	__s32 fd2; /* move_mount's to_dfd */
	__u32 cmd; /* fsconfig's cmd */
	__s32 aux; /* fsconfig's aux */
	__u32 attr_flags; /* fsmount's attr_flags */
	__u32 info; /* MOUNTSNOOP_TRUNC bits */
	char comm[MOUNTSNOOP_COMM_LEN];
	char pcomm[MOUNTSNOOP_COMM_LEN];
	char str[MOUNTSNOOP_NSTR][MOUNTSNOOP_STR_LEN];
};

#endif
