/* SPDX-License-Identifier: Apache-2.0 */
/*
 * opensnoop: the event record shared by bpf-src/opensnoop.bpf.c and cmd/opensnoop.c.
 * Fixed-width types only; no user-space or kernel headers.
 *
 * A record is the header below followed by the path text, NUL-terminated inside its area
 * unless OPENSNOOP_TRUNC says the name was cut to fit. Records come in a few fixed sizes (ring
 * buffer reservations are of constant size): a path takes the smallest of OPENSNOOP_PATH_SMALL,
 * _MID and _BIG that holds it, so most records stay small and the ring holds many. The record's
 * size says which: path bytes = record size - sizeof(struct opensnoop_event).
 */
#ifndef OPENSNOOP_H
#define OPENSNOOP_H

#define OPENSNOOP_COMM_LEN 16
#define OPENSNOOP_PATH_SMALL 128
#define OPENSNOOP_PATH_MID 1024
#define OPENSNOOP_PATH_BIG 4096
/* -F: room for the directory part of a relative open; the name gets the rest of BIG. */
#define OPENSNOOP_DIR_MAX 2048

/* opensnoop_event.info bits */
#define OPENSNOOP_HAS_MODE (1U << 0) /* O_CREAT or O_TMPFILE: mode applies */
#define OPENSNOOP_TRUNC (1U << 1) /* the path's end did not fit */
#define OPENSNOOP_TRUNC_DIR (1U << 2) /* -F: the directory's start did not fit */
#define OPENSNOOP_FULLPATH (1U << 3) /* -F: path is directory + '/' + the name passed */

struct opensnoop_event {
	__u64 ts; /* CLOCK_MONOTONIC ns at syscall exit */
	__u32 pid; /* tgid */
	__u32 tid;
	__u32 uid;
	__u32 ret; /* the syscall's return value, a signed 32-bit fd or -errno */
	__u32 flags; /* open flags as passed */
	__u32 mode; /* mode as passed; see OPENSNOOP_HAS_MODE */
	__u32 info; /* OPENSNOOP_* bits */
	__u32 pad; /* zero */
	char comm[OPENSNOOP_COMM_LEN];
	char path[];
};

#endif
