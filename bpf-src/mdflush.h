/* SPDX-License-Identifier: Apache-2.0 */
/* mdflush: the event record shared by bpf-src/mdflush.bpf.c and cmd/mdflush.c. */
#ifndef MDFLUSH_H
#define MDFLUSH_H

#define MDFLUSH_COMM_LEN 16
#define MDFLUSH_DISK_LEN 32 /* the kernel's DISK_NAME_LEN */

struct mdflush_event {
	__u32 pid; /* tgid */
	__u32 pad;
	char comm[MDFLUSH_COMM_LEN];
	char disk[MDFLUSH_DISK_LEN];
};

#endif
