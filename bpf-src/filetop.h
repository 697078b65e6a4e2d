/* SPDX-License-Identifier: Apache-2.0 */
/* filetop: the map key shared by bpf-src/filetop.bpf.c and cmd/filetop.c. */
#ifndef FILETOP_H
#define FILETOP_H

#define FILETOP_NAME_LEN 32 /* BCC's DNAME_INLINE_LEN: longer names end in "..." */
#define FILETOP_MAX_KEYS 10240
/* value slots: the histogram kit's struct bct_hist with these four counters */
enum { FILETOP_READS, FILETOP_WRITES, FILETOP_RBYTES, FILETOP_WBYTES, FILETOP_SLOTS };

struct filetop_key {
	__u64 inode;
	__u32 dev; /* the file system's (kernel dev_t) */
	__u32 rdev; /* a special file's device */
	__u32 tid;
	__u32 name_len; /* the dentry name's full length */
	char comm[16];
	char name[FILETOP_NAME_LEN + 4]; /* NUL-terminated, zero-padded */
	char type; /* 'R' regular, 'S' socket, 'O' other */
	char pad[3];
};

#endif
