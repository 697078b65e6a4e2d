// SPDX-License-Identifier: Apache-2.0
/*
 * leaker: makes a known number of heap allocations of a marked size, for the tests of memleak.
 *
 *   leaker [-w] [-n N] [-s SIZE] [-f]
 *
 * malloc()s N blocks (default 10) of SIZE bytes (default 4567) from leaker_alloc_leaked()
 * and frees none of them; with -f, from leaker_alloc_freed() instead, freeing each one (the
 * control: nothing outstanding). Then prints "done" and waits until it is killed.
 *
 *   -w    print "ready" on stdout, then wait for SIGUSR1 before allocating
 *
 * Exits 2 on a usage error, 1 when an allocation fails.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *volatile keep[100000];

__attribute__((noinline)) static int leaker_alloc_leaked(long n, size_t size)
{
	long i;

	for (i = 0; i < n; i++) {
		keep[i] = malloc(size);
		if (!keep[i])
			return 1;
		memset(keep[i], 1, size);
	}
	return 0;
}

__attribute__((noinline)) static int leaker_alloc_freed(long n, size_t size)
{
	long i;
	void *p;

	for (i = 0; i < n; i++) {
		p = malloc(size);
		if (!p)
			return 1;
		memset(p, 1, size);
		free(p);
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n = 10;
	size_t size = 4567;
	int opt, wait_go = 0, do_free = 0, sig, rc;
	sigset_t set;

	while ((opt = getopt(argc, argv, "wn:s:f")) != -1) {
		switch (opt) {
		case 'w':
			wait_go = 1;
			break;
		case 'n':
			n = atol(optarg);
			break;
		case 's':
			size = strtoul(optarg, NULL, 10);
			break;
		case 'f':
			do_free = 1;
			break;
		default:
			return 2;
		}
	}
	if (n < 0 || n > (long)(sizeof(keep) / sizeof(keep[0])))
		return 2;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (wait_go) {
		printf("ready\n");
		fflush(stdout);
		sigwait(&set, &sig);
	}
	rc = do_free ? leaker_alloc_freed(n, size) : leaker_alloc_leaked(n, size);
	if (rc)
		return 1;
	printf("done\n");
	fflush(stdout);
	for (;;)
		pause();
}
