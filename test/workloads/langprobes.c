// SPDX-License-Identifier: Apache-2.0
/*
 * langprobes: a runtime's USDT probes as CPython and the JVM name them, fired a known number
 * of times with known arguments, for the tests of ucalls, uflow, ugc and ustat (Debian's
 * python3.11 fires function__entry only at start-up, so the call counts come from here).
 *
 *   langprobes [-w] N G
 *
 * Provider "python": N times, function__entry("/tmp/lp.py", "lp_outer", 10), then
 * function__entry("/tmp/lp.py", "lp_inner", 20), function__return(... "lp_inner" ...),
 * function__return(... "lp_outer" ...); then G times gc__start(2) and gc__done(17), each GC
 * lasting 2 ms. Probes guarded by semaphores, as CPython's are. Prints "done".
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

#define _SDT_HAS_SEMAPHORES 1
__extension__ unsigned short python_function__entry_semaphore __attribute__((section(".probes")));
__extension__ unsigned short python_function__return_semaphore __attribute__((section(".probes")));
__extension__ unsigned short python_gc__start_semaphore __attribute__((section(".probes")));
__extension__ unsigned short python_gc__done_semaphore __attribute__((section(".probes")));
#include <sys/sdt.h>

#include "wait_go.h"

static const char file[] = "/tmp/lp.py";

__attribute__((noinline)) static void call(const char *fn, int line, int depth)
{
	if (python_function__entry_semaphore)
		DTRACE_PROBE3(python, function__entry, file, fn, line);
	if (depth)
		call("lp_inner", 20, depth - 1);
	if (python_function__return_semaphore)
		DTRACE_PROBE3(python, function__return, file, fn, line);
}

__attribute__((noinline)) static void collect(int gen)
{
	struct timespec ts = { 0, 2000000 };
	long collected = 17;

	if (python_gc__start_semaphore)
		DTRACE_PROBE1(python, gc__start, gen);
	nanosleep(&ts, NULL);
	if (python_gc__done_semaphore)
		DTRACE_PROBE1(python, gc__done, collected);
}

int main(int argc, char **argv)
{
	int opt, n, g;
	bool wait_go = false;

	while ((opt = getopt(argc, argv, "w")) != -1) {
		if (opt != 'w')
			return 2;
		wait_go = true;
	}
	if (optind + 2 != argc)
		return 2;
	n = atoi(argv[optind]);
	g = atoi(argv[optind + 1]);
	if (n < 0 || g < 0)
		return 2;
	if (wait_go)
		wl_wait_go();
	for (int i = 0; i < n; i++)
		call("lp_outer", 10, 1);
	for (int i = 0; i < g; i++)
		collect(2);
	printf("done\n");
	return 0;
}
