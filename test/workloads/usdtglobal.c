// SPDX-License-Identifier: Apache-2.0
/*
 * usdtglobal: a USDT probe whose argument is a global variable, which <sys/sdt.h> gives as an
 * operand naming the symbol ("8@usdtglobal_level(%rip)"), for the tests of the USDT argument
 * readers (the other probes' arguments are registers and stack slots).
 *
 *   usdtglobal [-w] N
 *
 * For i in 0..N-1: the global usdtglobal_level becomes 7000 + i, then the probe
 * glob:level(usdtglobal_level) fires. Prints "done".
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
#include <sys/sdt.h>
#include <unistd.h>

#include "wait_go.h"

long usdtglobal_level;
void usdtglobal_set(long v);

/* the compiler cannot keep the value in a register: the probe reads the variable itself */
__attribute__((noinline)) void usdtglobal_set(long v)
{
	usdtglobal_level = v;
	__asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
	bool wait_go = false;
	int opt, n;

	while ((opt = getopt(argc, argv, "w")) != -1) {
		if (opt != 'w')
			return 2;
		wait_go = true;
	}
	if (optind + 1 != argc)
		return 2;
	n = atoi(argv[optind]);
	if (n < 0)
		return 2;
	if (wait_go)
		wl_wait_go();
	for (int i = 0; i < n; i++) {
		usdtglobal_set(7000 + i);
		DTRACE_PROBE1(glob, level, usdtglobal_level);
	}
	printf("done\n");
	return 0;
}
