/* SPDX-License-Identifier: Apache-2.0 */
/* shmsnoop: the event record shared by bpf-src/shmsnoop.bpf.c and cmd/shmsnoop.c. */
#ifndef SHMSNOOP_H
#define SHMSNOOP_H

#define SHMSNOOP_COMM_LEN 16

/* shmsnoop_event.sys, BCC's order */
enum shmsnoop_sys {
	SHMSNOOP_SHMGET,
	SHMSNOOP_SHMAT,
	SHMSNOOP_SHMDT,
	SHMSNOOP_SHMCTL,
	SHMSNOOP_NSYS,
};

struct shmsnoop_event {
	__u64 ts; /* CLOCK_MONOTONIC ns at syscall exit */
	__u32 pid; /* tgid */
	__u32 tid;
	__s64 ret; /* the syscall's return value */
	/*
	 * The arguments as passed: shmget (key, size, shmflg), shmat (shmid, shmaddr, shmflg),
	 * shmdt (shmaddr), shmctl (shmid, cmd, buf).
	 */
	__u64 arg[3];
	__u32 sys; /* enum shmsnoop_sys */
	__u32 pad;
	char comm[SHMSNOOP_COMM_LEN];
};

#endif
