/* SPDX-License-Identifier: Apache-2.0 */
/*
 * biolatency: the histogram map shared by bpf-src/biolatency.bpf.c and cmd/biolatency.c.
 * Fixed-width types only; no user-space or kernel headers.
 *
 * Map "hists" (hash): key __u64 = the disk's dev_t in the kernel's encoding (major << 20 |
 * minor) with -D, the request's flags in BCC's bit layout (BIOLAT_* below) with -F, else 0.
 * Value: struct biolat_hist, log2 slots as BCC's bpf_log2l() numbers them (slot 1 = 0..1,
 * slot 2 = 2..3, slot i = 2^(i-1)..2^i-1), plus the sum and number of latencies for -e.
 */
#ifndef BIOLATENCY_H
#define BIOLATENCY_H

#define BIOLAT_SLOTS 65
#define BIOLAT_MAX_HISTS 1024

/*
 * Request flags as BCC's biolatency decodes them (REQ_OP_BITS = 8): the operation in the low
 * 8 bits, as numbered in BCC's table, then flag bits. The BPF side translates the running
 * kernel's numbering (read from BTF) into this one, so user space decodes every kernel alike.
 */
#define BIOLAT_OP_MASK 0xffU
#define BIOLAT_OP_READ 0
#define BIOLAT_OP_WRITE 1
#define BIOLAT_OP_FLUSH 2
#define BIOLAT_OP_DISCARD 3
#define BIOLAT_OP_SECURE_ERASE 5
#define BIOLAT_OP_ZONE_RESET 6
#define BIOLAT_OP_WRITE_SAME 7
#define BIOLAT_OP_WRITE_ZEROES 9
#define BIOLAT_OP_UNKNOWN 0xffU
#define BIOLAT_SYNC (1U << 11)
#define BIOLAT_META (1U << 12)
#define BIOLAT_PRIO (1U << 13)
#define BIOLAT_NOMERGE (1U << 14)
#define BIOLAT_IDLE (1U << 15)
#define BIOLAT_FUA (1U << 17)
#define BIOLAT_RAHEAD (1U << 19)
#define BIOLAT_BACKGROUND (1U << 20)
#define BIOLAT_NOWAIT (1U << 21)

struct biolat_hist {
	__u64 slots[BIOLAT_SLOTS];
	__u64 total; /* -e: sum of the latencies, in the histogram's unit */
	__u64 count; /* -e: number of latencies */
};

#endif
