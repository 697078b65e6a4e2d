// SPDX-License-Identifier: Apache-2.0
/*
 * ttywriter: marked writes to a pseudo-terminal of its own, for the tests of ttysnoop.
 *
 *   ttywriter [-n N] [-w] -o FILE MARK
 *
 * Opens two ptys, A and B, and writes "PATH_A PATH_B\n" to FILE (their slaves' paths). Then
 * writes N times "MARK-w\n" to A's slave with write(2), N times "MARK-v\n" to A's slave with
 * writev(2) (three pieces: MARK, "-v", "\n"), and N times "MARK-x\n" to B's slave, reading
 * the masters as it goes so that no write blocks. Prints "wrote N".
 *
 *   -n N     writes of each kind (default 10)
 *   -w       print "ready" on stdout, then wait for SIGUSR1 before writing
 *
 * Exits 0, 1 when a pty cannot be had, or 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wait_go.h"

struct pty {
	int master;
	int slave;
	char path[64];
};

static int open_pty(struct pty *p)
{
	p->master = posix_openpt(O_RDWR | O_NOCTTY);
	if (p->master < 0 || grantpt(p->master) || unlockpt(p->master) ||
	    ptsname_r(p->master, p->path, sizeof(p->path)))
		return -1;
	p->slave = open(p->path, O_RDWR | O_NOCTTY);
	if (p->slave < 0)
		return -1;
	return fcntl(p->master, F_SETFL, O_NONBLOCK);
}

/* Reads what waits on the master, so that the slave's writes never block. */
static void drain(const struct pty *p)
{
	char buf[4096];

	while (read(p->master, buf, sizeof(buf)) > 0)
		;
}

int main(int argc, char **argv)
{
	const char *file = NULL, *mark;
	long n = 10;
	int opt, wait_go = 0;
	struct pty a, b;
	char line[256];
	FILE *f;

	while ((opt = getopt(argc, argv, "n:wo:")) != -1) {
		switch (opt) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'w':
			wait_go = 1;
			break;
		case 'o':
			file = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || !file || n < 0 || strlen(argv[optind]) > 200)
		return 2;
	mark = argv[optind];
	if (open_pty(&a) || open_pty(&b)) {
		perror("ttywriter: pty");
		return 1;
	}
	f = fopen(file, "w");
	if (!f || fprintf(f, "%s %s\n", a.path, b.path) < 0 || fclose(f))
		return 1;

	if (wait_go && wl_wait_go())
		return 1;

	for (long i = 0; i < n; i++) {
		struct iovec iov[3] = {
			{ (void *)mark, strlen(mark) },
			{ "-v", 2 },
			{ "\n", 1 },
		};
		int len = snprintf(line, sizeof(line), "%s-w\n", mark);

		if (write(a.slave, line, len) != len || writev(a.slave, iov, 3) < 0)
			return 1;
		drain(&a);
		len = snprintf(line, sizeof(line), "%s-x\n", mark);
		if (write(b.slave, line, len) != len)
			return 1;
		drain(&b);
	}
	printf("wrote %ld\n", n);
	return 0;
}
