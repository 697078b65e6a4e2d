/* SPDX-License-Identifier: Apache-2.0 */
/* cpuunclaimed: what bpf-src/cpuunclaimed.bpf.c and cmd/cpuunclaimed.c share. */
#ifndef CPUUNCLAIMED_H
#define CPUUNCLAIMED_H

/* One sample of one CPU's run queue. */
struct cpuunclaimed_sample {
	__u64 ts; /* bpf_ktime_get_ns() */
	__u32 cpu;
	__u32 len; /* runnable CFS tasks on the CPU, the running one included */
};

#endif
