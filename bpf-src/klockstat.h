/* SPDX-License-Identifier: Apache-2.0 */
/* klockstat: the per-stack statistics both sides read (bpf-src/klockstat.bpf.c). */
#ifndef KLOCKSTAT_H
#define KLOCKSTAT_H

/* Per kernel stack (the map key is its stack id): waits for contended locks, in ns. */
struct klockstat_stat {
	__u64 count;
	__u64 total_ns;
	__u64 max_ns;
	__u64 lock_addr; /* the lock of the last wait */
};

#define KLOCKSTAT_MAX_STACKS 16384

#endif
