/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cpudist: what bpf-src/cpudist.bpf.c and cmd/cpudist.c share. Fixed-width types only.
 *
 * Map "hists" (bct_hist.bpf.h: struct bct_hist by key): key __u64 = the process ID (-P), the
 * thread ID (-L), else 0; log2 slots of the on-CPU (or, -O, off-CPU) times, and their sum and
 * count for -e.
 */
#ifndef CPUDIST_H
#define CPUDIST_H

#define CPUDIST_MAX_HISTS 10240 /* processes or threads per interval */
#define CPUDIST_MAX_START 65536 /* (thread, CPU) pairs timed at once */

#endif
