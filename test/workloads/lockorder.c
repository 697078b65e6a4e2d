// SPDX-License-Identifier: Apache-2.0
/*
 * lockorder: two threads take two mutexes (lockorder_m1, lockorder_m2), one after the other
 * (the second thread starts after the first is joined), so it never deadlocks, for deadlock's
 * tests.
 *
 *   lockorder [-N COMM] [-w] [-k] inverse|ordered
 *
 *   inverse   thread 1 (lockorder_take_12) takes m1 then m2; thread 2 (lockorder_take_21)
 *             takes m2 then m1: a lock order inversion
 *   ordered   both threads (lockorder_take_12) take m1 then m2: no inversion
 *   -N COMM   set the command name first (prctl PR_SET_NAME)
 *   -w        print "ready" and the mutexes' addresses ("m1 0x..." and "m2 0x..."), then wait
 *             for SIGUSR1 before starting
 *   -k        when done, print "done" and wait for SIGUSR1 (once more) before exiting, so that
 *             the tracer can still read the process's symbols
 *
 * Built with frame pointers (FP_WORKLOADS in the Makefile) so user stacks show each function.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

pthread_mutex_t lockorder_m1 = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lockorder_m2 = PTHREAD_MUTEX_INITIALIZER;

void *lockorder_take_12(void *arg);
void *lockorder_take_21(void *arg);

__attribute__((noinline)) void *lockorder_take_12(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lockorder_m1);
	pthread_mutex_lock(&lockorder_m2);
	pthread_mutex_unlock(&lockorder_m2);
	pthread_mutex_unlock(&lockorder_m1);
	return NULL;
}

__attribute__((noinline)) void *lockorder_take_21(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lockorder_m2);
	pthread_mutex_lock(&lockorder_m1);
	pthread_mutex_unlock(&lockorder_m1);
	pthread_mutex_unlock(&lockorder_m2);
	return NULL;
}

static int wait_usr1(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	return sigwait(&set, &sig) ? -1 : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: lockorder [-N COMM] [-w] [-k] inverse|ordered\n");
	return 2;
}

int main(int argc, char **argv)
{
	void *(*second)(void *);
	int opt, wait_go = 0, keep = 0;
	pthread_t t;
	sigset_t set;

	while ((opt = getopt(argc, argv, "N:wk")) != -1) {
		switch (opt) {
		case 'N':
			if (prctl(PR_SET_NAME, optarg, 0, 0, 0))
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
	if (optind != argc - 1)
		return usage();
	if (!strcmp(argv[optind], "inverse"))
		second = lockorder_take_21;
	else if (!strcmp(argv[optind], "ordered"))
		second = lockorder_take_12;
	else
		return usage();
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (wait_go) {
		printf("m1 %p\nm2 %p\nready\n", (void *)&lockorder_m1, (void *)&lockorder_m2);
		fflush(stdout);
		if (wait_usr1())
			return 1;
	}
	if (pthread_create(&t, NULL, lockorder_take_12, NULL) || pthread_join(t, NULL))
		return 1;
	if (pthread_create(&t, NULL, second, NULL) || pthread_join(t, NULL))
		return 1;
	if (keep) {
		printf("done\n");
		fflush(stdout);
		if (wait_usr1())
			return 1;
	}
	return 0;
}
