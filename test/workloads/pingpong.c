// SPDX-License-Identifier: Apache-2.0
/*
 * pingpong: context switches on demand, for scripts/bench (runqlat, profile). Two processes
 * pinned to one CPU pass one byte back and forth over two pipes N times, so each round trip is
 * two wakeups and two context switches.
 *
 *   pingpong [-c CPU] [-n N]
 *
 *   -c CPU   the CPU both processes run on (default 0)
 *   -n N     round trips (default 100000)
 *
 * Prints nothing; exits 0, 1 when a system call failed, 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int bounce(int in, int out, long n, int first)
{
	char c = 'p';

	for (long i = 0; i < n; i++) {
		if (first && write(out, &c, 1) != 1)
			return 1;
		if (read(in, &c, 1) != 1)
			return 1;
		if (!first && write(out, &c, 1) != 1)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int ab[2], ba[2], opt, cpu = 0, status;
	long n = 100000;
	cpu_set_t set;
	pid_t child;

	while ((opt = getopt(argc, argv, "c:n:")) != -1) {
		switch (opt) {
		case 'c':
			cpu = atoi(optarg);
			break;
		case 'n':
			n = atol(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind != argc || n <= 0 || cpu < 0)
		return 2;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) || pipe(ab) || pipe(ba)) {
		perror("pingpong");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("pingpong: fork");
		return 1;
	}
	if (child == 0)
		_exit(bounce(ab[0], ba[1], n, 0));
	if (bounce(ba[0], ab[1], n, 1) || waitpid(child, &status, 0) != child || status)
		return 1;
	return 0;
}
