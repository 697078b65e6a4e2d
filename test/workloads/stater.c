// SPDX-License-Identifier: Apache-2.0
/*
 * stater: a known number of stat-family calls on a path, for statsnoop's tests.
 *
 *   stater [-n N] [-N COMM] [-w] CALL PATH
 *
 *   CALL is stat or lstat (glibc makes newfstatat or newstat/newlstat calls), statx or statfs.
 *
 *   -n N      how many times (default 100)
 *   -N COMM   set the command name first
 *   -w        print "ready", then wait for SIGUSR1 before starting
 *
 * Exits 0, or 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wait_go.h"

static int usage(void)
{
	fprintf(stderr, "usage: stater [-n N] [-N COMM] [-w] stat|lstat|statx|statfs PATH\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *call, *path;
	long n = 100;
	int opt, wait_go = 0;
	struct stat st;
	struct statx stx;
	struct statfs sfs;

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
	if (optind + 2 != argc || n < 0)
		return usage();
	call = argv[optind];
	path = argv[optind + 1];
	if (strcmp(call, "stat") && strcmp(call, "lstat") && strcmp(call, "statx") &&
	    strcmp(call, "statfs"))
		return usage();

	if (wait_go && wl_wait_go())
		return 1;
	for (long i = 0; i < n; i++) {
		if (!strcmp(call, "stat"))
			(void)stat(path, &st);
		else if (!strcmp(call, "lstat"))
			(void)lstat(path, &st);
		else if (!strcmp(call, "statx"))
			(void)statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx);
		else
			(void)statfs(path, &sfs);
	}
	return 0;
}
