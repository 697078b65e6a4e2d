// SPDX-License-Identifier: Apache-2.0
/*
 * cacher: known page cache traffic on one file, for the tests of cachetop and readahead.
 *
 *   cacher [-w] [-N COMM] [-n K] [-D] [-b BYTES] FILE
 *
 * Reads FILE from start to end K times (default 1) with read(2) calls of BYTES bytes (default
 * 65536). With -D, first drops the file's pages from the page cache (fdatasync, then
 * posix_fadvise POSIX_FADV_DONTNEED), so that the first read misses every page.
 * Prints nothing else; exits 0 when every call did what it should, 1 otherwise, 2 on a usage
 * error.
 *
 *   -N COMM   set the command name first (prctl PR_SET_NAME)
 *   -w        print "ready" on stdout, then wait for SIGUSR1 before starting
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
#include <unistd.h>

static char buf[1 << 20];

int main(int argc, char **argv)
{
	long k = 1, bytes = 65536, i;
	int opt, fd, drop = 0, wait_go = 0;
	sigset_t set;
	ssize_t n;

	while ((opt = getopt(argc, argv, "wN:n:Db:")) != -1) {
		switch (opt) {
		case 'w':
			wait_go = 1;
			break;
		case 'N':
			prctl(PR_SET_NAME, optarg);
			break;
		case 'n':
			k = atol(optarg);
			break;
		case 'D':
			drop = 1;
			break;
		case 'b':
			bytes = atol(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || bytes <= 0 || bytes > (long)sizeof(buf) || k < 0)
		return 2;
	fd = open(argv[optind], O_RDONLY);
	if (fd < 0)
		return 1;
	if (wait_go) {
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		printf("ready\n");
		fflush(stdout);
		if (sigwaitinfo(&set, NULL) != SIGUSR1)
			return 1;
	}
	if (drop && (fdatasync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)))
		return 1;
	for (i = 0; i < k; i++) {
		if (lseek(fd, 0, SEEK_SET))
			return 1;
		while ((n = read(fd, buf, bytes)) > 0)
			;
		if (n < 0)
			return 1;
	}
	return close(fd) ? 1 : 0;
}
