/* SPDX-License-Identifier: Apache-2.0 */
/*
 * capable: the event record shared by bpf-src/capable.bpf.c and cmd/capable.c.
 * Fixed-width types only.
 */
#ifndef CAPABLE_H
#define CAPABLE_H

#define CAPABLE_COMM_LEN 16

/* audit and insetid when the method cannot tell (the tracepoint has no cap_opt) */
#define CAPABLE_UNKNOWN (-1)
/* ret when the method does not see the verdict (the kprobe runs before the check) */
#define CAPABLE_NO_VERDICT 1

struct capable_event {
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__s32 cap;
	__s32 audit; /* 1: audited, 0: CAP_OPT_NOAUDIT, CAPABLE_UNKNOWN */
	__s32 insetid; /* 1: CAP_OPT_INSETID, 0, CAPABLE_UNKNOWN */
	__s32 ret; /* 0: allowed, -errno: denied, CAPABLE_NO_VERDICT */
	__s32 kstack; /* -K: the kernel stack's id in stack_traces, or -errno; else -1 */
	__s32 ustack; /* -U: the user stack's id, or -errno; else -1 */
	char comm[CAPABLE_COMM_LEN];
};

/* --unique: one event per capability and process (or cgroup, under --cgroupmap) */
struct capable_seen_key {
	__u64 id; /* tgid, or the cgroup ID */
	__s32 cap;
	__s32 kstack; /* with -K/-U, the same capability from another stack is another event */
	__s32 ustack;
	__u32 pad;
};

#endif
