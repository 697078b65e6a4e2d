// SPDX-License-Identifier: Apache-2.0
/*
 * wakeer: a known number of wakeups of one thread by another, for the tests of wakeuptime and
 * offwaketime.
 *
 *   wakeer [-w] [-k] N USEC
 *
 * The target thread (command "wk_target") reads one byte from a pipe N times in wakee_wait();
 * the waker thread (command "wk_waker") waits until the target sleeps (its state in
 * /proc/self/task/TID/stat is S), sleeps USEC microseconds, then writes one byte in
 * waker_wake(), N times. So the target blocks N times, each for at least USEC, and each time
 * it is woken by wk_waker. Built with frame pointers (Makefile) so that user stacks unwind.
 * Prints "ready" (with -w, then waits for SIGUSR1); at the end "target TID", "waker TID" (the
 * threads' IDs) and "done". Exits 0, 1 on a
 * failure, 2 on a usage error.
 *
 *   -w   print "ready" on stdout, then wait for SIGUSR1 before starting
 *   -k   when done, wait for SIGUSR1 (once more) before exiting, so that the tracer can still
 *        read this process's symbols
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t go;
static int pipefd[2];
static long n_wakes, usec;
static atomic_int target_tid, waker_tid;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

static long raw_syscall3(long nr, long a, long b, long c)
{
#if defined(__x86_64__)
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
#else
	return syscall(nr, a, b, c);
#endif
}

/* the target: blocks in read() until the waker writes */
__attribute__((noinline)) static int wakee_wait(void)
{
	char c;

	return raw_syscall3(SYS_read, pipefd[0], (long)&c, 1) == 1 ? 0 : -1;
}

/* the waker: one byte into the pipe wakes the target */
__attribute__((noinline)) static int waker_wake(void)
{
	char c = 'w';

	return raw_syscall3(SYS_write, pipefd[1], (long)&c, 1) == 1 ? 0 : -1;
}

static void *target_thread(void *arg)
{
	long i;

	(void)arg;
	prctl(PR_SET_NAME, "wk_target", 0, 0, 0);
	atomic_store(&target_tid, (int)syscall(SYS_gettid));
	for (i = 0; i < n_wakes; i++)
		if (wakee_wait())
			return (void *)1;
	return NULL;
}

/* Waits until the target thread is asleep (blocked in its read). */
static void wait_target_asleep(void)
{
	struct timespec poll = { 0, 50000 };
	char path[64], buf[256], *p;
	FILE *f;
	int tid;

	for (;;) {
		tid = atomic_load(&target_tid);
		if (tid) {
			snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
			f = fopen(path, "r");
			if (f) {
				p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
				fclose(f);
				if (p && p[1] == ' ' && p[2] == 'S')
					return;
			}
		}
		nanosleep(&poll, NULL);
	}
}

static void *waker_thread(void *arg)
{
	struct timespec ts = { usec / 1000000, (usec % 1000000) * 1000 };
	long i;

	(void)arg;
	prctl(PR_SET_NAME, "wk_waker", 0, 0, 0);
	atomic_store(&waker_tid, (int)syscall(SYS_gettid));
	for (i = 0; i < n_wakes; i++) {
		wait_target_asleep();
		nanosleep(&ts, NULL);
		if (waker_wake())
			return (void *)1;
	}
	return NULL;
}

static void wait_usr1(sigset_t *old)
{
	go = 0;
	while (!go)
		sigsuspend(old);
}

int main(int argc, char **argv)
{
	int wait_start = 0, keep = 0, opt;
	struct sigaction sa;
	sigset_t mask, old;
	pthread_t t, w;
	void *rt, *rw;

	while ((opt = getopt(argc, argv, "wk")) != -1) {
		if (opt == 'w')
			wait_start = 1;
		else if (opt == 'k')
			keep = 1;
		else
			goto usage;
	}
	if (argc - optind != 2)
		goto usage;
	n_wakes = atol(argv[optind]);
	usec = atol(argv[optind + 1]);
	if (n_wakes <= 0 || usec < 0)
		goto usage;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, &old);
	if (pipe(pipefd)) {
		perror("wakeer: pipe");
		return 1;
	}
	if (wait_start) {
		printf("ready\n");
		fflush(stdout);
		wait_usr1(&old);
	}
	if (pthread_create(&t, NULL, target_thread, NULL) ||
	    pthread_create(&w, NULL, waker_thread, NULL)) {
		fprintf(stderr, "wakeer: cannot create the threads\n");
		return 1;
	}
	pthread_join(t, &rt);
	pthread_join(w, &rw);
	printf("target %d\nwaker %d\ndone\n", atomic_load(&target_tid), atomic_load(&waker_tid));
	fflush(stdout);
	if (keep)
		wait_usr1(&old);
	return rt || rw ? 1 : 0;
usage:
	fprintf(stderr, "usage: wakeer [-w] [-k] N USEC\n");
	return 2;
}
