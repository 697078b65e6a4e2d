// SPDX-License-Identifier: Apache-2.0
/*
 * capper: a known number of marked capability checks, for the tests of capable.
 *
 *   capper [-n N] [-N COMM] [-w] [-l MS]
 *
 * N calls of chroot(".") (each checks CAP_SYS_CHROOT, audited); the root changes only for
 * this process. Prints "chroot OK FAILED". Run as root, every call is
 * allowed; without CAP_SYS_CHROOT every one fails with EPERM.
 *
 *   -n N        calls (default 100)
 *   -N COMM     set the command name first (prctl PR_SET_NAME), for the tracer's filters
 *   -w          print "ready" on stdout, then wait for SIGUSR1 before starting
 *   -l MS       stay MS milliseconds after the calls (a tracer can still read its symbols)
 *
 * Exits 0, or 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "wait_go.h"

int main(int argc, char **argv)
{
	long n = 100, ok = 0, failed = 0, i;
	int opt, wait_go = 0, linger_ms = 0;

	while ((opt = getopt(argc, argv, "n:N:wl:")) != -1) {
		switch (opt) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'N':
			if (prctl(PR_SET_NAME, optarg, 0, 0, 0))
				return 1;
			break;
		case 'l':
			linger_ms = atoi(optarg);
			break;
		case 'w':
			wait_go = 1;
			break;
		default:
			fprintf(stderr, "usage: capper [-n N] [-N COMM] [-w] [-l MS]\n");
			return 2;
		}
	}
	if (optind != argc || n < 0) {
		fprintf(stderr, "usage: capper [-n N] [-N COMM] [-w] [-l MS]\n");
		return 2;
	}
	if (wait_go && wl_wait_go())
		return 1;
	for (i = 0; i < n; i++) {
		if (chroot(".") == 0)
			ok++;
		else
			failed++;
	}
	printf("chroot %ld %ld\n", ok, failed);
	if (linger_ms > 0) {
		struct timespec ts = { linger_ms / 1000, (linger_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	return 0;
}
