// SPDX-License-Identifier: Apache-2.0
/*
 * syncer: a known number of marked sync system calls, for the tests of syncsnoop.
 *
 *   syncer [-n N] [-N COMM] [-w] FILE CALL...
 *
 * Opens (creates) FILE, writes a page to it, then for each CALL in turn makes N calls of it
 * on FILE: sync, syncfs, fsync, fdatasync, msync (of a shared mapping of the page) or
 * sync_file_range. Prints nothing; exits 0 when every call succeeded, 1 otherwise, 2 on a
 * usage error.
 *
 *   -n N        calls per CALL (default 100)
 *   -N COMM     set the command name first (prctl PR_SET_NAME), for the tracer's filters
 *   -w          print "ready" on stdout, then wait for SIGUSR1 before starting
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "wait_go.h"

static int usage(void)
{
	fprintf(stderr, "usage: syncer [-n N] [-N COMM] [-w] FILE "
			"sync|syncfs|fsync|fdatasync|msync|sync_file_range...\n");
	return 2;
}

static const char *const calls[] = { "sync",	  "syncfs", "fsync",
				     "fdatasync", "msync",  "sync_file_range" };

static int valid(const char *call)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (!strcmp(call, calls[i]))
			return 1;
	return 0;
}

static int one(const char *call, int fd, void *map)
{
	if (!strcmp(call, "sync")) {
		sync();
		return 0;
	}
	if (!strcmp(call, "syncfs"))
		return syncfs(fd);
	if (!strcmp(call, "fsync"))
		return fsync(fd);
	if (!strcmp(call, "fdatasync"))
		return fdatasync(fd);
	if (!strcmp(call, "msync"))
		return msync(map, 4096, MS_SYNC);
	if (!strcmp(call, "sync_file_range"))
		return sync_file_range(fd, 0, 4096, SYNC_FILE_RANGE_WRITE);
	return -1;
}

int main(int argc, char **argv)
{
	static char page[4096];
	long n = 100;
	int opt, wait_go = 0, fd, i;
	void *map;

	while ((opt = getopt(argc, argv, "n:N:w")) != -1) {
		switch (opt) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'N':
			if (prctl(PR_SET_NAME, optarg, 0, 0, 0))
				return 1;
			break;
		case 'w':
			wait_go = 1;
			break;
		default:
			return usage();
		}
	}
	if (argc - optind < 2 || n < 0)
		return usage();
	for (i = optind + 1; i < argc; i++)
		if (!valid(argv[i]))
			return usage();
	fd = open(argv[optind], O_RDWR | O_CREAT, 0600);
	if (fd < 0 || write(fd, page, sizeof(page)) != sizeof(page))
		return 1;
	map = mmap(NULL, sizeof(page), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return 1;

	if (wait_go && wl_wait_go())
		return 1;

	for (i = optind + 1; i < argc; i++)
		for (long j = 0; j < n; j++)
			if (one(argv[i], fd, map))
				return 1;
	return 0;
}
