/* SPDX-License-Identifier: Apache-2.0 */
/* netqtop: the per-queue counts shared by bpf-src/netqtop.bpf.c and cmd/netqtop.c. */
#ifndef NETQTOP_H
#define NETQTOP_H

#define NETQTOP_MAX_QUEUES 1024

/* One queue's packets in an interval, by size (BCC's buckets; 64 KiB and over in none). */
struct netqtop_queue {
	__u64 bytes; /* the packets' lengths summed */
	__u32 packets;
	__u32 size_64; /* [0, 64) */
	__u32 size_512; /* [64, 512) */
	__u32 size_2k; /* [512, 2K) */
	__u32 size_16k; /* [2K, 16K) */
	__u32 size_64k; /* [16K, 64K) */
};

#endif
