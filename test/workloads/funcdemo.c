// SPDX-License-Identifier: Apache-2.0
/*
 * funcdemo: functions of known duration and a known call chain, for funcslower, stackcount
 * and funcinterval. Built with -O0 -fno-omit-frame-pointer (Makefile) so user stacks unwind.
 *
 *   funcdemo [-w] N MS [LINGER_MS]
 *
 * N times: main() calls fd_outer(i), which calls fd_inner(MS): fd_inner sleeps MS
 * milliseconds, fires the USDT probe funcdemo:inner(MS) (its stack is main > fd_outer >
 * fd_inner) and returns MS. Then it sleeps LINGER_MS (so a tracer can still read its symbols)
 * and prints "done N".
 *
 *   -w   print "ready" on stdout, then wait for SIGUSR1 before starting
 *
 * Exits 0; 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/sdt.h>

#include "wait_go.h"

int fd_inner(int ms);
int fd_outer(int i, int ms);

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

__attribute__((noinline)) int fd_inner(int ms)
{
	sleep_ms(ms);
	DTRACE_PROBE1(funcdemo, inner, ms);
	return ms;
}

__attribute__((noinline)) int fd_outer(int i, int ms)
{
	return fd_inner(ms) + i * 0;
}

int main(int argc, char **argv)
{
	int opt, n, ms, linger = 0, i;
	bool wait_go = false;

	while ((opt = getopt(argc, argv, "w")) != -1) {
		if (opt != 'w')
			return 2;
		wait_go = true;
	}
	if (optind + 2 > argc || optind + 3 < argc)
		return 2;
	n = atoi(argv[optind]);
	ms = atoi(argv[optind + 1]);
	if (optind + 2 < argc)
		linger = atoi(argv[optind + 2]);
	if (n < 0 || ms < 0 || linger < 0)
		return 2;
	if (wait_go)
		wl_wait_go();
	for (i = 0; i < n; i++)
		fd_outer(i, ms);
	sleep_ms(linger);
	printf("done %d\n", n);
	return 0;
}
