/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fileslower: the event bpf-src/fileslower.bpf.c sends and cmd/fileslower.c prints. Fixed-width
 * types only.
 */
#ifndef FILESLOWER_H
#define FILESLOWER_H

#define FILESLOWER_NAME_LEN 32 /* BCC's DNAME_INLINE_LEN: longer names end in "..." */
#define FILESLOWER_MAX_START 10240 /* reads and writes in progress at once */

enum { FILESLOWER_READ, FILESLOWER_WRITE };

struct fileslower_event {
	__u64 ts; /* at the call's return, bpf_ktime_get_ns() */
	__u64 delta_us;
	__u64 sz; /* bytes asked for */
	__u32 pid;
	__u32 tid;
	__u32 name_len; /* the dentry name's full length */
	__u32 mode; /* FILESLOWER_READ or _WRITE */
	char comm[16];
	char name[FILESLOWER_NAME_LEN + 8]; /* NUL-terminated */
};

#endif
