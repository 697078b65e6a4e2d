// SPDX-License-Identifier: Apache-2.0
/*
 * fsops: a known number of opens, writes, fsyncs and reads of one file, for the tests of
 * fsdist, fsslower and their per-fs names.
 *
 *   fsops [-w] FILE NOPEN NWRITE NFSYNC NREAD
 *
 * Opens (creates) FILE NOPEN times with openat(2) (closing all but the last), then makes
 * NWRITE write(2)s of 1000 bytes from offset 0, NFSYNC fsync(2)s, seeks back to 0 and makes
 * NREAD read(2)s of 500 bytes (NREAD * 500 must not pass NWRITE * 1000). Exits 0 when every
 * call did what it should, 1 otherwise, 2 on a usage error.
 *
 *   -w   print "ready" on stdout, then wait for SIGUSR1 before starting
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wait_go.h"

int main(int argc, char **argv)
{
	static char buf[1000];
	long nopen, nwrite, nfsync, nread, i;
	int opt, wait_go = 0, fd = -1;

	while ((opt = getopt(argc, argv, "w")) != -1) {
		if (opt != 'w')
			goto usage;
		wait_go = 1;
	}
	if (argc - optind != 5)
		goto usage;
	nopen = strtol(argv[optind + 1], NULL, 10);
	nwrite = strtol(argv[optind + 2], NULL, 10);
	nfsync = strtol(argv[optind + 3], NULL, 10);
	nread = strtol(argv[optind + 4], NULL, 10);
	if (nopen < 1 || nwrite < 0 || nfsync < 0 || nread < 0 || nread * 500 > nwrite * 1000)
		goto usage;
	memset(buf, 'x', sizeof(buf));

	if (wait_go && wl_wait_go())
		return 1;

	for (i = 0; i < nopen; i++) {
		if (fd >= 0)
			close(fd);
		fd = openat(AT_FDCWD, argv[optind], O_RDWR | O_CREAT, 0600);
		if (fd < 0)
			return 1;
	}
	for (i = 0; i < nwrite; i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			return 1;
	for (i = 0; i < nfsync; i++)
		if (fsync(fd))
			return 1;
	if (lseek(fd, 0, SEEK_SET))
		return 1;
	for (i = 0; i < nread; i++)
		if (read(fd, buf, 500) != 500)
			return 1;
	return close(fd) ? 1 : 0;

usage:
	fprintf(stderr, "usage: fsops [-w] FILE NOPEN NWRITE NFSYNC NREAD\n");
	return 2;
}
