/* SPDX-License-Identifier: Apache-2.0 */
/*
 * futexctn: what bpf-src/futexctn.bpf.c and cmd/futexctn.c share. The histograms are a hash of
 * struct bct_hist (bpf-src/bct_hist.bpf.h) by struct futexctn_key, with FUTEXCTN_SLOTS slots:
 * the first FUTEXCTN_LOG2 are the log2 histogram (BCC's slot numbering), then the smallest
 * wait plus one (0: none yet), the largest, and the command name (FUTEXCTN_COMM_LEN bytes);
 * total and count are the sum and number of the waits (BCT_HIST_SUM), in the unit printed.
 */
#ifndef FUTEXCTN_H
#define FUTEXCTN_H

#define FUTEXCTN_LOG2 37 /* libbpf-tools' 36 slots, numbered from 1 */
#define FUTEXCTN_MIN (FUTEXCTN_LOG2)
#define FUTEXCTN_MAX (FUTEXCTN_LOG2 + 1)
#define FUTEXCTN_COMM (FUTEXCTN_LOG2 + 2)
#define FUTEXCTN_COMM_LEN 16
#define FUTEXCTN_SLOTS (FUTEXCTN_LOG2 + 4)
#define FUTEXCTN_MAX_KEYS 10240

struct futexctn_key {
	__u64 uaddr; /* the futex word's user address */
	__u32 id; /* the waiting thread's ID; with -s its process ID */
	__s32 stack_id; /* its user stack in stackmap (< 0: none); -1 with -s */
	__u32 pid; /* its process ID (to name the stack's addresses) */
	__u32 pad;
};

#endif
