/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gethostlatency: the event record shared by bpf-src/gethostlatency.bpf.c and
 * cmd/gethostlatency.c. Fixed-width types only.
 */
#ifndef GETHOSTLATENCY_H
#define GETHOSTLATENCY_H

#define GETHOSTLATENCY_HOST_LEN 80 /* BCC's: longer names are cut */
#define GETHOSTLATENCY_COMM_LEN 16

/* gethostlatency_event.call */
enum gethostlatency_call {
	GETHOSTLATENCY_GETADDRINFO,
	GETHOSTLATENCY_GETHOSTBYNAME,
	GETHOSTLATENCY_GETHOSTBYNAME2,
	GETHOSTLATENCY_NCALLS,
};

struct gethostlatency_event {
	__u64 delta_ns; /* from the call to its return */
	__u32 pid; /* tgid */
	__u32 tid;
	__u32 call; /* enum gethostlatency_call */
	__u32 pad;
	char comm[GETHOSTLATENCY_COMM_LEN];
	char host[GETHOSTLATENCY_HOST_LEN]; /* NUL-terminated (cut to fit) */
};

#endif
