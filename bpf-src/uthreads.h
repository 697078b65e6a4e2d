/* SPDX-License-Identifier: Apache-2.0 */
/* uthreads: the event both sides share. */
#ifndef UTHREADS_H
#define UTHREADS_H

enum uthreads_type {
	UTHREADS_PTHREAD = 0,
	UTHREADS_START = 1,
	UTHREADS_STOP = 2,
};

struct uthreads_event {
	__u64 runtime_id; /* pthread: the start routine's address; java: the Java thread id */
	__u64 native_id; /* pthread: the creating thread; java: the native thread id */
	__u32 pid;
	__u32 type; /* enum uthreads_type */
	__u32 name_len; /* java: the length the probe gives */
	__u32 pad;
	char name[80];
};

#endif
