/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runqlen: what bpf-src/runqlen.bpf.c and cmd/runqlen.c share. Fixed-width types only.
 *
 * Map "hists" (bct_hist.bpf.h: struct bct_hist by key): key __u64 = the CPU (-C), else 0;
 * linear slots of the sampled run queue length (the last slot takes every longer queue).
 */
#ifndef RUNQLEN_H
#define RUNQLEN_H

#define RUNQLEN_MAX_CPUS 4096

#endif
