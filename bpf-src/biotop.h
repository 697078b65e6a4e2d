/* SPDX-License-Identifier: Apache-2.0 */
/* biotop: the map key shared by bpf-src/biotop.bpf.c and cmd/biotop.c. */
#ifndef BIOTOP_H
#define BIOTOP_H

#define BIOTOP_COMM_LEN 16
#define BIOTOP_MAX_KEYS 10240
/* value slots: the histogram kit's struct bct_hist with these three counters */
enum { BIOTOP_BYTES, BIOTOP_US, BIOTOP_IO, BIOTOP_SLOTS };

/* One row: a process, a direction and a disk. */
struct biotop_key {
	__u32 pid; /* tgid that created the requests; 0 when unknown */
	__u32 write; /* 1: writes (BCC's D column "W"), 0: anything else ("R") */
	__u32 dev; /* the disk's dev_t, kernel encoding (major << 20 | minor) */
	char comm[BIOTOP_COMM_LEN]; /* "" when unknown */
	__u32 pad;
};

#endif
