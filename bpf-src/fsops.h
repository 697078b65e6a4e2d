/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fsdist and fsslower (and their per-fs names: ext4dist, xfsslower...): the operation
 * numbers, the histogram key and the event record shared by bpf-src/fsops.bpf.c and
 * cmd/fsdist.c, cmd/fsslower.c. Fixed-width types only.
 */
#ifndef FSOPS_H
#define FSOPS_H

#define FSOPS_COMM_LEN 16
#define FSOPS_NAME_LEN 40 /* the kernel's DNAME_INLINE_LEN on 64-bit: BCC's file[] */

/* BCC's TRACE_READ, TRACE_WRITE, TRACE_OPEN, TRACE_FSYNC: printed as R, W, O, S */
enum fsops_op {
	FSOPS_READ,
	FSOPS_WRITE,
	FSOPS_OPEN,
	FSOPS_FSYNC,
	FSOPS_NOPS,
};

struct fsops_key {
	__u32 op; /* enum fsops_op */
};

struct fsops_event {
	__u64 ts_us; /* when the operation ended, monotonic clock */
	__u64 delta_us;
	__u64 offset; /* the file position it started at (0 for open and fsync) */
	__s64 size; /* bytes read or written (0 for open and fsync), or -errno */
	__u32 pid;
	__u32 op; /* enum fsops_op */
	char comm[FSOPS_COMM_LEN];
	char file[FSOPS_NAME_LEN]; /* the file's name (its last path component) */
};

#endif
