// SPDX-License-Identifier: Apache-2.0
/*
 * usdtdemo: USDT probes fired a known number of times with known arguments, for the tests of
 * tplist and the USDT tools. Built twice (Makefile): usdtdemo, and usdtdemo_sema with
 * -DWITH_SEMA, whose probes are guarded by semaphores (fired only while a tracer holds them).
 *
 *   usdtdemo [-w] N [MS]
 *
 * For i in 0..N-1: tag = "item<i>"; demo_work(i, tag) returns 2*i + strlen(tag); the probe
 * demo:tick(i, tag) fires; with MS > 0, demo_nap(MS) sleeps MS milliseconds. Then
 * demo:done(sum) fires, and it prints "sum=<sum of demo_work> enabled=<ticks fired>".
 * So "usdtdemo 3" prints "sum=21 enabled=3" (usdtdemo_sema untraced: "enabled=0").
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
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef WITH_SEMA
#define _SDT_HAS_SEMAPHORES 1
__extension__ unsigned short demo_tick_semaphore __attribute__((section(".probes")));
__extension__ unsigned short demo_done_semaphore __attribute__((section(".probes")));
#define ENABLED(probe) (demo_##probe##_semaphore != 0)
#else
#define ENABLED(probe) 1
#endif
#include <sys/sdt.h>

#include "wait_go.h"

int demo_work(int i, const char *tag);
int demo_nap(int ms);

__attribute__((noinline)) int demo_work(int i, const char *tag)
{
	return 2 * i + (int)strlen(tag);
}

__attribute__((noinline)) int demo_nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
	return ms;
}

int main(int argc, char **argv)
{
	int opt, n, ms = 0, enabled = 0;
	bool wait_go = false;
	long sum = 0;

	while ((opt = getopt(argc, argv, "w")) != -1) {
		if (opt != 'w')
			return 2;
		wait_go = true;
	}
	if (optind >= argc || optind + 2 < argc)
		return 2;
	n = atoi(argv[optind]);
	if (optind + 1 < argc)
		ms = atoi(argv[optind + 1]);
	if (n < 0 || ms < 0)
		return 2;
	if (wait_go)
		wl_wait_go();
	for (int i = 0; i < n; i++) {
		char tag[32]; /* written just before the probe: a reader never meets an unmapped page */

		snprintf(tag, sizeof(tag), "item%d", i);
		sum += demo_work(i, tag);
		if (ENABLED(tick)) {
			DTRACE_PROBE2(demo, tick, i, tag);
			enabled++;
		}
		if (ms)
			demo_nap(ms);
	}
	if (ENABLED(done))
		DTRACE_PROBE1(demo, done, sum);
	printf("sum=%ld enabled=%d\n", sum, enabled);
	return 0;
}
