/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oomkill: the event record shared by bpf-src/oomkill.bpf.c and cmd/oomkill.c.
 * Fixed-width types only.
 */
#ifndef OOMKILL_H
#define OOMKILL_H

#define OOMKILL_COMM_LEN 16

struct oomkill_event {
	__u32 fpid; /* the task whose allocation triggered the kill (tgid) */
	__u32 tpid; /* the victim (tgid) */
	__u64 pages; /* kprobe: the OOM domain's total pages; tracepoint: the victim's RSS */
	char fcomm[OOMKILL_COMM_LEN];
	char tcomm[OOMKILL_COMM_LEN];
};

#endif
