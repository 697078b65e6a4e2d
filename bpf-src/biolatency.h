/* SPDX-License-Identifier: Apache-2.0 */
/*
 * biolatency: what bpf-src/biolatency.bpf.c and cmd/biolatency.c share. Fixed-width types only;
 * no user-space or kernel headers.
 *
 * Map "hists" (bct_hist.bpf.h: struct bct_hist by key): key __u64 = the disk's dev_t in the
 * kernel's encoding (major << 20 | minor) with -D, the request's flags in BCC's bit layout
 * (BIOLAT_* below) with -F, else 0; log2 slots of the latency, and its sum and count for -e.
 */
#ifndef BIOLATENCY_H
#define BIOLATENCY_H

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

#endif
