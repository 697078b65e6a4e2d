/* SPDX-License-Identifier: Apache-2.0 */
/* uobjnew: the map both sides share. */
#ifndef UOBJNEW_H
#define UOBJNEW_H

#define UOBJNEW_NAME_LEN 50

struct uobjnew_key {
	__u64 size; /* C: the block size; else 0 */
	char name[UOBJNEW_NAME_LEN]; /* the type (not NUL-terminated when it fills the array) */
	char pad[6];
};

struct uobjnew_val {
	__u64 total_size;
	__u64 num_allocs;
};

#endif
