/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sigsnoop: the event record shared by bpf-src/sigsnoop.bpf.c and cmd/sigsnoop.c.
 * Fixed-width types only.
 */
#ifndef SIGSNOOP_H
#define SIGSNOOP_H

#define SIGSNOOP_COMM_LEN 16

struct sigsnoop_event {
	__u32 pid; /* the sending task's tgid (the current task when the signal is generated) */
	__s32 tpid; /* the target: a task's PID (signal_generate), or the syscall's argument */
	__s32 sig;
	__s32 ret; /* signal_generate: the siginfo's si_errno; -k: the syscall's 0 or -errno */
	char comm[SIGSNOOP_COMM_LEN];
};

#endif
