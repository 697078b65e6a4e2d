/* SPDX-License-Identifier: Apache-2.0 */
/* ustat: the map both sides share. */
#ifndef USTAT_H
#define USTAT_H

/* BCC's categories, in its columns' order */
enum ustat_cat {
	USTAT_METHOD,
	USTAT_GC,
	USTAT_OBJNEW,
	USTAT_CLOAD,
	USTAT_EXCP,
	USTAT_THREAD,
	USTAT_NCAT,
};

struct ustat_key {
	__u32 pid;
	__u32 cat; /* enum ustat_cat */
};

#endif
