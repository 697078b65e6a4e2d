// SPDX-License-Identifier: Apache-2.0
/*
 * hotspin: a CPU-bound program with one known hot function, for the flame graph tests
 * (profile --svg). For MS milliseconds it alternates between hot_spin_marker(), 18 ms, and
 * cool_spin_decoy(), 2 ms (of wall time: nine tenths and one tenth of the CPU time); both are
 * noinline leaf functions called from main(). Built with -O0 -fno-omit-frame-pointer, so its
 * user stacks unwind by frame pointers.
 *
 *   hotspin MS     spin for MS milliseconds, then print "done" and stay (until killed), so
 *                  that the process's symbols can still be read
 *
 * Exits 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Spins for ms milliseconds of wall time. */
__attribute__((noinline)) static unsigned long hot_spin_marker(double ms)
{
	double end = now_ms() + ms;
	volatile unsigned long x = 0;
	unsigned long i;

	while (now_ms() < end)
		for (i = 0; i < 20000; i++)
			x += i;
	return x;
}

__attribute__((noinline)) static unsigned long cool_spin_decoy(double ms)
{
	double end = now_ms() + ms;
	volatile unsigned long x = 0;
	unsigned long i;

	while (now_ms() < end)
		for (i = 0; i < 20000; i++)
			x ^= i;
	return x;
}

int main(int argc, char **argv)
{
	double end;

	if (argc != 2 || atof(argv[1]) <= 0) {
		fprintf(stderr, "usage: hotspin MS\n");
		return 2;
	}
	end = now_ms() + atof(argv[1]);
	while (now_ms() < end) {
		hot_spin_marker(18);
		cool_spin_decoy(2);
	}
	printf("done\n");
	fflush(stdout);
	for (;;)
		pause();
}
