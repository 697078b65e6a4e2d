// SPDX-License-Identifier: Apache-2.0
/*
 * opengen: the opensnoop benchmark's load. PROCS processes each open() and close() PATH at
 * RATE opens per second (0: as fast as they can) for SECONDS, then one line is printed:
 *
 *   opens=N secs=S cpu_ns=C
 *
 * N opens in total (all succeeded), S seconds of wall time, C nanoseconds of CPU time (user +
 * system) the generators used: with a tracer attached, system time includes its BPF program.
 *
 *   opengen [-r RATE] [-d SECONDS] [-p PROCS] PATH
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One generator: returns the number of opens, or -1 when one failed. */
static long generate(const char *path, long rate, double secs)
{
	uint64_t start = now_ns(), end = start + (uint64_t)(secs * 1e9), now;
	long done = 0;

	while ((now = now_ns()) < end) {
		/* paced: catch up with the schedule, then sleep a little; unpaced: a batch */
		long due = rate ? (long)((now - start) * (double)rate / 1e9) : done + 1000;

		if (rate && done >= due) {
			struct timespec ts = { 0, 100000 };

			nanosleep(&ts, NULL);
			continue;
		}
		while (done < due) {
			int fd = open(path, O_RDONLY);

			if (fd < 0) {
				fprintf(stderr, "opengen: cannot open '%s': %s\n", path,
					strerror(errno));
				return -1;
			}
			close(fd);
			done++;
		}
	}
	return done;
}

int main(int argc, char **argv)
{
	long rate = 0, procs = 1, total = 0, i;
	double secs = 1;
	struct rusage ru;
	uint64_t t0, cpu;
	int c, fds[2], bad = 0;

	while ((c = getopt(argc, argv, "r:d:p:")) != -1) {
		switch (c) {
		case 'r':
			rate = strtol(optarg, NULL, 10);
			break;
		case 'd':
			secs = strtod(optarg, NULL);
			break;
		case 'p':
			procs = strtol(optarg, NULL, 10);
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || procs < 1 || rate < 0 || secs <= 0) {
		fprintf(stderr, "usage: opengen [-r RATE] [-d SECONDS] [-p PROCS] PATH\n");
		return 2;
	}
	if (pipe(fds))
		return 1;
	t0 = now_ns();
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			long n = generate(argv[optind], rate, secs);

			if (write(fds[1], &n, sizeof(n)) != sizeof(n))
				_exit(1);
			_exit(n < 0);
		}
	}
	close(fds[1]);
	for (i = 0; i < procs; i++) {
		long n;

		if (read(fds[0], &n, sizeof(n)) != sizeof(n) || n < 0)
			bad = 1;
		else
			total += n;
	}
	while (wait(NULL) > 0)
		;
	getrusage(RUSAGE_CHILDREN, &ru);
	cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
	      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
	printf("opens=%ld secs=%.3f cpu_ns=%llu\n", total, (now_ns() - t0) / 1e9,
	       (unsigned long long)cpu);
	return bad;
}
