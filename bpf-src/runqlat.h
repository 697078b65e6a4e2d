/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runqlat: what bpf-src/runqlat.bpf.c and cmd/runqlat.c share. Fixed-width types only.
 *
 * Map "hists" (bct_hist.bpf.h: struct bct_hist by key): key __u64 = the process ID (-P), the
 * thread ID (-L), the PID namespace's inode number (--pidnss), else 0; log2 slots of the run
 * queue latency.
 */
#ifndef RUNQLAT_H
#define RUNQLAT_H

#define RUNQLAT_MAX_HISTS 10240 /* processes, threads or namespaces per interval */
#define RUNQLAT_MAX_START 32768 /* pid_max when it cannot be read; the high-TID hash's size */
#define RUNQLAT_ARRAY_MAX 131072 /* start-time array entries at most (16 bytes each: 2 MiB) */
#define RUNQLAT_PID_LIMIT 4194304 /* the kernel's PID_MAX_LIMIT on 64-bit */

#endif
