/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sslsniff: the event record shared by bpf-src/sslsniff.bpf.c and cmd/sslsniff.c. Fixed-width
 * types only. A record is the fixed part followed by the captured bytes (buf_len of them): the
 * BPF side sends only what it captured.
 */
#ifndef SSLSNIFF_H
#define SSLSNIFF_H

#define SSLSNIFF_COMM_LEN 16

/* sslsniff_event.rw */
enum sslsniff_rw {
	SSLSNIFF_READ,
	SSLSNIFF_WRITE,
	SSLSNIFF_HANDSHAKE,
};

struct sslsniff_event {
	__u64 ts_ns; /* at the return */
	__u64 delta_ns; /* from the call to its return */
	__u32 pid; /* tgid */
	__u32 tid;
	__u32 uid;
	__u32 len; /* the function's result: bytes read or written (handshake: its result) */
	__u32 buf_len; /* bytes of data that follow (0: none captured) */
	__u32 rw; /* enum sslsniff_rw */
	char comm[SSLSNIFF_COMM_LEN];
	/* then buf_len bytes of data */
};

#endif
