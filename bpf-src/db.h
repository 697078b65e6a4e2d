/* SPDX-License-Identifier: Apache-2.0 */
/* dbslower, mysqld_qslower: the event both sides share. */
#ifndef DB_H
#define DB_H

#define DB_QUERY_MAX 256

struct db_event {
	__u64 ts; /* the query's start, CLOCK_MONOTONIC ns */
	__u64 delta_ns;
	__u32 pid;
	__u32 pad;
	char query[DB_QUERY_MAX];
};

#endif
