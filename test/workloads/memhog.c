// SPDX-License-Identifier: Apache-2.0
/*
 * memhog: allocates and touches memory until the OOM killer ends it, for the tests of
 * oomkill (run it in a cgroup with a small memory limit and no swap).
 *
 *   memhog [-N COMM] [-w] [-m MB]
 *
 * Touches 1 MiB after 1 MiB, up to MB MiB (default 4096); exits 1 if it gets there alive.
 *
 *   -N COMM     set the command name first (prctl PR_SET_NAME), for the tracer's filters
 *   -w          print "ready" on stdout, then wait for SIGUSR1 before starting
 *   -m MB       how much to touch at most
 *
 * Exits 1 after touching everything (no OOM kill came), or 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "wait_go.h"

int main(int argc, char **argv)
{
	long mb = 4096, i;
	int opt, wait_go = 0;

	while ((opt = getopt(argc, argv, "N:wm:")) != -1) {
		switch (opt) {
		case 'N':
			if (prctl(PR_SET_NAME, optarg, 0, 0, 0))
				return 1;
			break;
		case 'w':
			wait_go = 1;
			break;
		case 'm':
			mb = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: memhog [-N COMM] [-w] [-m MB]\n");
			return 2;
		}
	}
	if (wait_go && wl_wait_go())
		return 1;
	for (i = 0; i < mb; i++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED)
			return 1;
		memset(p, 0x5a, 1 << 20);
	}
	printf("touched %ld MiB\n", mb);
	return 1;
}
