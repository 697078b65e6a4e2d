// SPDX-License-Identifier: Apache-2.0
/*
 * futexer: a known number of contended futex waits, for the tests of futexctn.
 *
 *   futexer [-n N] [-d USEC] [-N COMM] [-w] [-k]
 *
 * A waiter thread calls futex(FUTEX_WAIT_PRIVATE) on one futex word until it has been woken
 * N times (a wait that returns 0); the main thread sleeps USEC microseconds, then wakes it
 * (FUTEX_WAKE_PRIVATE, retried until it wakes one waiter), N times. So exactly N waits sleep,
 * each for about USEC. Prints "lock 0xADDR" (the word's address) first, and "waiter TID" at
 * the end. Exits 0, 1 on a failure, 2 on a usage error.
 *
 *   -n N        waits (default 10)
 *   -d USEC     sleep before each wake (default 2000)
 *   -N COMM     the command name of both threads (prctl PR_SET_NAME)
 *   -w          print "ready" on stdout, then wait for SIGUSR1 before starting
 *   -k          when done, wait for SIGUSR1 (once more) before exiting, so that the tracer
 *               can still read this process's symbols
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static unsigned int word; /* stays 0: every wait sleeps until woken */
static long nwaits = 10;
static const char *comm;
static atomic_int done;
static atomic_int waiter_tid;

static long futex(unsigned int *addr, int op, unsigned int val)
{
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static void *waiter(void *arg)
{
	long woken = 0;

	(void)arg;
	if (comm)
		prctl(PR_SET_NAME, comm, 0, 0, 0);
	atomic_store(&waiter_tid, (int)syscall(SYS_gettid));
	while (woken < nwaits)
		if (futex(&word, FUTEX_WAIT_PRIVATE, 0) == 0)
			woken++;
	atomic_store(&done, 1);
	return NULL;
}

static int usage(void)
{
	fprintf(stderr, "usage: futexer [-n N] [-d USEC] [-N COMM] [-w] [-k]\n");
	return 2;
}

int main(int argc, char **argv)
{
	long delay = 2000, i;
	int opt, wait_go = 0, keep = 0;
	sigset_t set;
	int sig;
	pthread_t t;

	while ((opt = getopt(argc, argv, "n:d:N:wk")) != -1) {
		switch (opt) {
		case 'n':
			nwaits = strtol(optarg, NULL, 10);
			break;
		case 'd':
			delay = strtol(optarg, NULL, 10);
			break;
		case 'N':
			comm = optarg;
			if (prctl(PR_SET_NAME, comm, 0, 0, 0))
				return 1;
			break;
		case 'w':
			wait_go = 1;
			break;
		case 'k':
			keep = 1;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc || nwaits < 0 || delay < 0)
		return usage();
	printf("lock %p\n", (void *)&word);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (wait_go) {
		printf("ready\n");
		fflush(stdout);
		if (sigwait(&set, &sig))
			return 1;
	}
	if (pthread_create(&t, NULL, waiter, NULL))
		return 1;
	for (i = 0; i < nwaits;) {
		long r;

		usleep((useconds_t)delay);
		r = futex(&word, FUTEX_WAKE_PRIVATE, 1);
		if (r < 0)
			return 1;
		if (r == 1)
			i++;
		else if (atomic_load(&done))
			break; /* woken without us (a spurious wake-up): nothing left to wake */
	}
	if (pthread_join(t, NULL))
		return 1;
	printf("waiter %d\n", atomic_load(&waiter_tid));
	fflush(stdout);
	if (keep && sigwait(&set, &sig))
		return 1;
	return 0;
}
