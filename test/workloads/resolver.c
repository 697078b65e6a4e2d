// SPDX-License-Identifier: Apache-2.0
/*
 * resolver: a known number of host name look-ups through libc, for the tests of
 * gethostlatency.
 *
 *   resolver [-n N] [-N COMM] [-w] HOST CALL...
 *
 * For each CALL in turn, looks HOST up N times with it: getaddrinfo, gethostbyname or
 * gethostbyname2 (AF_INET). Prints nothing; exits 0 when every look-up succeeded, 1 otherwise,
 * 2 on a usage error.
 *
 *   -n N        look-ups per CALL (default 10)
 *   -N COMM     set the command name first (prctl PR_SET_NAME)
 *   -w          print "ready" on stdout, then wait for SIGUSR1 before starting
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wait_go.h"

static int usage(void)
{
	fprintf(stderr, "usage: resolver [-n N] [-N COMM] [-w] HOST "
			"getaddrinfo|gethostbyname|gethostbyname2...\n");
	return 2;
}

static int one(const char *call, const char *host)
{
	if (!strcmp(call, "getaddrinfo")) {
		struct addrinfo *res = NULL;
		int err = getaddrinfo(host, NULL, NULL, &res);

		if (res)
			freeaddrinfo(res);
		return err ? -1 : 0;
	}
	if (!strcmp(call, "gethostbyname"))
		return gethostbyname(host) ? 0 : -1;
	if (!strcmp(call, "gethostbyname2"))
		return gethostbyname2(host, AF_INET) ? 0 : -1;
	return -1;
}

int main(int argc, char **argv)
{
	long n = 10;
	int opt, wait_go = 0, i;

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
		if (strcmp(argv[i], "getaddrinfo") && strcmp(argv[i], "gethostbyname") &&
		    strcmp(argv[i], "gethostbyname2"))
			return usage();
	if (wait_go && wl_wait_go())
		return 1;
	for (i = optind + 1; i < argc; i++)
		for (long j = 0; j < n; j++)
			if (one(argv[i], argv[optind]))
				return 1;
	return 0;
}
