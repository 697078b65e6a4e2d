// SPDX-License-Identifier: Apache-2.0
/*
 * contender: threads that contend one kernel lock, for the tests of klockstat.
 *
 *   contender [-w] [-n THREADS] [-i ITERS] FILE
 *
 * THREADS threads (default 8) each write() 64 KiB ITERS times (default 200) at offset 0 of
 * the same FILE (created, truncated): every write takes the file's inode lock (i_rwsem), so
 * the threads wait on each other in the kernel. Exits 0, 1 on a failure, 2 on a usage error.
 *
 *   -w    print "ready" on stdout, then wait for SIGUSR1 before starting
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fd;
static long iters = 200;
static pthread_barrier_t barrier;

static void *writer(void *arg)
{
	static char buf[65536];
	long i;

	(void)arg;
	pthread_barrier_wait(&barrier);
	for (i = 0; i < iters; i++)
		if (pwrite(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
			return (void *)1;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[256];
	long n = 8, i;
	int opt, wait_go = 0, sig, rc = 0;
	sigset_t set;
	void *ret;

	while ((opt = getopt(argc, argv, "wn:i:")) != -1) {
		switch (opt) {
		case 'w':
			wait_go = 1;
			break;
		case 'n':
			n = atol(optarg);
			break;
		case 'i':
			iters = atol(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || n < 1 || n > 256)
		return 2;
	fd = open(argv[optind], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (wait_go) {
		printf("ready\n");
		fflush(stdout);
		sigwait(&set, &sig);
	}
	pthread_barrier_init(&barrier, NULL, (unsigned int)n);
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, writer, NULL))
			return 1;
	for (i = 0; i < n; i++) {
		pthread_join(th[i], &ret);
		if (ret)
			rc = 1;
	}
	return rc;
}
