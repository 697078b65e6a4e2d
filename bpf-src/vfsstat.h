/* SPDX-License-Identifier: Apache-2.0 */
/* vfsstat: the counter keys shared by bpf-src/vfsstat.bpf.c and cmd/vfsstat.c (BCC's order). */
#ifndef VFSSTAT_H
#define VFSSTAT_H

enum vfsstat_stat {
	VFSSTAT_READ = 1,
	VFSSTAT_WRITE,
	VFSSTAT_FSYNC,
	VFSSTAT_OPEN,
	VFSSTAT_CREATE,
	VFSSTAT_MAX,
};

#endif
