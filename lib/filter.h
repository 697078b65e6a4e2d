/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The filters BCC's tools share, user side: their values (from the options lib/tool.h
 * offers), the -D names bpf-src/bct_filter.bpf.h reads, and the maps filled after load.
 */
#ifndef BCT_FILTER_H
#define BCT_FILTER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct bct_prog;

struct bct_filter {
	pid_t pid; /* 0: any */
	pid_t tid; /* 0: any */
	bool has_uid;
	uid_t uid;
	const char *comm; /* substring of the command name; NULL or "": any */
	const char *cgroup; /* cgroup v2 directory */
	const char *cgroupmap; /* BCC's pinned maps of cgroup IDs / mount namespace inodes */
	const char *mntnsmap;
	const char *disk; /* -d DISK, as BCC's block tools take it ("sda", or a /dev path) */
	uint32_t dev; /* its kernel dev_t, found by bct_tool_parse() */
};

/* What the filters hold open while tracing (-1: none). */
struct bct_filter_fds {
	int cgroup;
	int cgroupmap;
	int mntnsmap;
};

#define BCT_FILTER_FDS_INIT \
	{                   \
		-1, -1, -1  \
	}

/*
 * Adds the -D names of f to p; exec_pid (the --exec child, 0: none) is the process filter
 * then. 0 or -errno.
 */
int bct_filter_define(const struct bct_filter *f, pid_t exec_pid, struct bct_prog *p);
/*
 * Opens the cgroup directory and pinned maps f names, checks them, and adds the defines that
 * describe the pinned maps. 0 or -errno (logged).
 */
int bct_filter_open(const struct bct_filter *f, struct bct_filter_fds *fds, struct bct_prog *p);
/* After load: puts the opened cgroup and pinned maps into the program's maps. 0 or -errno. */
int bct_filter_fill(const struct bct_filter_fds *fds, struct bct_prog *p);
void bct_filter_close(struct bct_filter_fds *fds);
/* The -n/-c needle as FILTER_COMM_LO/HI: up to 16 bytes packed little-endian. */
void bct_filter_pack_comm(const char *s, size_t len, uint64_t *lo, uint64_t *hi);

#endif
