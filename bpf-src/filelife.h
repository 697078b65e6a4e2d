/* SPDX-License-Identifier: Apache-2.0 */
/* filelife: the event record shared by bpf-src/filelife.bpf.c and cmd/filelife.c. */
#ifndef FILELIFE_H
#define FILELIFE_H

#define FILELIFE_COMM_LEN 16
#define FILELIFE_DIR_MAX 512 /* a power of two: the walk's offsets are masked with it */
#define FILELIFE_NAME_LEN 256

#define FILELIFE_BIRTH 1 /* a file was created: dir + "/" + name is its absolute path */
#define FILELIFE_DEATH 2 /* a file was unlinked: name as passed, relative to dir unless "/..." */
#define FILELIFE_AGED 3 /* kprobe method: a file was unlinked, its age in age_ns */

/* filelife_event.info bits */
#define FILELIFE_DIR_TRUNC (1U << 0) /* the directory's start did not fit */

struct filelife_event {
	__u64 ts; /* CLOCK_MONOTONIC ns */
	__u64 age_ns; /* FILELIFE_AGED */
	__u32 pid; /* tgid */
	__u16 kind; /* FILELIFE_BIRTH, _DEATH or _AGED */
	__u16 info;
	__u32 dir_off; /* the directory text starts at dir[dir_off] and ends at dir[DIR_MAX] */
	__u32 pad;
	char comm[FILELIFE_COMM_LEN];
	char dir[FILELIFE_DIR_MAX + 1];
	char name[FILELIFE_NAME_LEN];
};

#endif
