/* SPDX-License-Identifier: Apache-2.0 */
/*
 * execsnoop: the event record shared by bpf-src/execsnoop.bpf.c and cmd/execsnoop.c.
 * Fixed-width types only; no user-space or kernel headers.
 *
 * A record is the header below directly followed by the arguments: args_count NUL-terminated strings,
 * args_size bytes in all, the first being the file name passed to execve(2) (as BCC shows it,
 * instead of argv[0]), then argv[1], argv[2]... Each argument is cut to EXECSNOOP_ARGSIZE - 1
 * bytes. Records come in two sizes (ring buffer reservations are of constant size): the
 * arguments' area is EXECSNOOP_ARGS_SMALL bytes when they fit, else room for --max-args
 * arguments; the record's size says which, args_size says how much of it is used.
 */
#ifndef EXECSNOOP_H
#define EXECSNOOP_H

#define EXECSNOOP_COMM_LEN 16
#define EXECSNOOP_ARGSIZE 128 /* per argument, its NUL included (BCC's ARGSIZE) */
#define EXECSNOOP_ARGS_SMALL 512 /* the small record's argument area */
#define EXECSNOOP_MAX_ARGS_DEFAULT 20
#define EXECSNOOP_MAX_ARGS_LIMIT 256 /* 32 KiB of arguments: within a perf record's 64 KiB */

/* execsnoop_event.info bits */
#define EXECSNOOP_MORE_ARGS (1U << 0) /* argv had more arguments than --max-args */

struct execsnoop_event {
	__u64 ts; /* CLOCK_MONOTONIC ns at the system call's return */
	__u32 pid; /* tgid */
	__u32 ppid; /* the parent's tgid at the call; 0: unknown */
	__u32 uid;
	__s32 ret; /* 0, or -errno */
	__u32 args_count;
	__u32 args_size;
	__u32 info; /* EXECSNOOP_* bits */
	__u32 pad; /* zero */
	char comm[EXECSNOOP_COMM_LEN]; /* at the return: the new program's name on success */
	/* then the arguments */
};

#endif
