/* SPDX-License-Identifier: Apache-2.0 */
/*
 * softirqslower: the event record shared by bpf-src/softirqslower.bpf.c and
 * cmd/softirqslower.c. Fixed-width types only.
 */
#ifndef SOFTIRQSLOWER_H
#define SOFTIRQSLOWER_H

#define SOFTIRQSLOWER_COMM_LEN 16

/* The stages, numbered as BCC numbers them (0, the raise itself, is never reported). */
enum softirqslower_stage {
	SOFTIRQSLOWER_RAISE = 0,
	SOFTIRQSLOWER_IRQ_TO_SOFTIRQ = 1, /* raise -> handler entry */
	SOFTIRQSLOWER_RUNTIME = 2, /* handler entry -> exit */
};

struct softirqslower_event {
	__u64 delta_ns;
	__u32 stage;
	__u32 vec;
	__u32 cpu;
	__u32 pad;
	char comm[SOFTIRQSLOWER_COMM_LEN]; /* the task the CPU was running */
};

#endif
