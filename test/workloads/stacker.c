// SPDX-License-Identifier: Apache-2.0
/*
 * stacker: many distinct user stacks, for scripts/bench (the time profile takes to print
 * them). Each thread walks a binary tree of calls DEPTH deep, path after path: at each level
 * it calls stacker_left() or stacker_right() by one bit of the path number, and spins briefly
 * in stacker_leaf() at the bottom (or, with -o, sleeps there: an off-CPU stack for
 * offcputime). So there are 2^DEPTH distinct call stacks, each sampled as often as the
 * others. Built with -O0 -fno-omit-frame-pointer (Makefile) so stacks unwind.
 *
 *   stacker [-o] [-d DEPTH] [-t THREADS] MS
 *
 *   -o          block in a 1 ns nanosleep at the leaf instead of spinning
 *   -d DEPTH    levels (default 14: 16384 stacks; at most 20)
 *   -t THREADS  threads walking the tree (default 2)
 *   MS          how long to run, in milliseconds
 *
 * Prints nothing; exits 0, 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int depth = 14;
static long run_ms;
static int offcpu;
static volatile unsigned long sink;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

__attribute__((noinline)) static void stacker_leaf(void)
{
	if (offcpu) {
		struct timespec ts = { 0, 1 };

		nanosleep(&ts, NULL);
		return;
	}
	for (int i = 0; i < 20000; i++)
		sink += i;
}

static void stacker_right(int level, unsigned long path);

__attribute__((noinline)) static void stacker_left(int level, unsigned long path)
{
	if (level == 0)
		stacker_leaf();
	else if (path & 1)
		stacker_right(level - 1, path >> 1);
	else
		stacker_left(level - 1, path >> 1);
}

__attribute__((noinline)) static void stacker_right(int level, unsigned long path)
{
	if (level == 0)
		stacker_leaf();
	else if (path & 1)
		stacker_right(level - 1, path >> 1);
	else
		stacker_left(level - 1, path >> 1);
}

static void *walk(void *arg)
{
	unsigned long path = (unsigned long)arg;
	long long end = now_ms() + run_ms;

	while (now_ms() < end) {
		for (int i = 0; i < 64; i++, path++)
			stacker_left(depth, path);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int opt, threads = 2;
	pthread_t tid[64];

	while ((opt = getopt(argc, argv, "od:t:")) != -1) {
		switch (opt) {
		case 'o':
			offcpu = 1;
			break;
		case 'd':
			depth = atoi(optarg);
			break;
		case 't':
			threads = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc || depth < 1 || depth > 20 || threads < 1 || threads > 64)
		return 2;
	run_ms = atol(argv[optind]);
	for (int i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, walk, (void *)((unsigned long)i << 10));
	for (int i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	return 0;
}
