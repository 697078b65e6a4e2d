/* SPDX-License-Identifier: Apache-2.0 */
/* stackcount: the map key shared by bpf-src/stackcount.bpf.c and cmd/stackcount.c. */
#ifndef STACKCOUNT_H
#define STACKCOUNT_H

#define SC_COMM_LEN 16
#define SC_NO_PID 0xffffffffU /* the key's tgid without -P: stacks of every process together */

struct sc_key {
	__u32 tgid; /* -P: the process; else SC_NO_PID */
	__s32 kernel_stack_id; /* id in stack_traces, or -errno; -1 with -U */
	__s32 user_stack_id; /* likewise; -1 with -K */
	char comm[SC_COMM_LEN]; /* -P only; else zeros */
};

#endif
