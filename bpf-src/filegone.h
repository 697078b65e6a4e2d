/* SPDX-License-Identifier: Apache-2.0 */
/* filegone: the event record shared by bpf-src/filegone.bpf.c and cmd/filegone.c. */
#ifndef FILEGONE_H
#define FILEGONE_H

#define FILEGONE_COMM_LEN 16
#define FILEGONE_NAME_LEN 256

#define FILEGONE_DELETE 'D'
#define FILEGONE_RENAME 'R'

/* filegone_event.info bits */
#define FILEGONE_PATHS (1U << 0) /* names are the paths passed to the syscall, not d_names */

struct filegone_event {
	__u32 pid; /* tgid */
	__u8 action; /* FILEGONE_DELETE or FILEGONE_RENAME */
	__u8 info; /* FILEGONE_* bits */
	__u16 pad;
	char comm[FILEGONE_COMM_LEN];
	char name[FILEGONE_NAME_LEN]; /* the file deleted, or renamed from */
	char name2[FILEGONE_NAME_LEN]; /* rename: the new name */
};

#endif
