/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bashreadline: the event record shared by bpf-src/bashreadline.bpf.c and cmd/bashreadline.c.
 * Fixed-width types only.
 */
#ifndef BASHREADLINE_H
#define BASHREADLINE_H

#define BASHREADLINE_LINE_LEN 80 /* BCC's: longer lines are cut */
#define BASHREADLINE_COMM_LEN 16

struct bashreadline_event {
	__u32 pid; /* tgid */
	__u32 uid;
	char comm[BASHREADLINE_COMM_LEN];
	char line[BASHREADLINE_LINE_LEN]; /* NUL-terminated (cut to fit) */
};

#endif
