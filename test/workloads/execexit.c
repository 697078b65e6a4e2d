// SPDX-License-Identifier: Apache-2.0
/*
 * execexit: a known number of execs and process terminations, for execsnoop's and exitsnoop's
 * tests. One action, N times, one child at a time:
 *
 *   execexit [-n N] [-N COMM] [-w] ACTION ARGS...
 *
 *   exec PATH [ARG...]   N children, each execv(PATH, { PATH, ARG..., NULL }); each must
 *                        exit 0 (the program ran)
 *   fail PATH [ARG...]   the same with a PATH that cannot be executed: each exec must fail
 *   exit CODE [MS]       N children, each living MS milliseconds (default 0), then exiting
 *                        with CODE
 *   signal SIG [MS]      N children, each living MS milliseconds, then killed by SIG
 *                        (its default action, which must terminate without a core dump)
 *   threads K            N children, each starting K threads that end (pthread_exit), then
 *                        exiting 0
 *
 *   -n N     how many children (default 10)
 *   -N COMM  set the command name first (children inherit it), for the tracer's filters
 *   -w       print "ready" on stdout, then wait for SIGUSR1 before starting
 *
 * Prints nothing else; exits 0 when every child ended as expected, else 1; 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wait_go.h"

static int usage(void)
{
	fprintf(stderr, "usage: execexit [-n N] [-N COMM] [-w] exec|fail PATH [ARG...] | "
			"exit CODE [MS] | signal SIG [MS] | threads K\n");
	return 2;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

	while (ms > 0 && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void *thread_end(void *arg)
{
	pthread_exit(arg);
}

/* The child's part of one round; never returns. */
static void child(const char *action, char **args, int nargs)
{
	long v = nargs > 0 ? atol(args[0]) : 0;

	if (!strcmp(action, "exec") || !strcmp(action, "fail")) {
		execv(args[0], args);
		_exit(127);
	}
	if (!strcmp(action, "exit")) {
		sleep_ms(nargs > 1 ? atol(args[1]) : 0);
		_exit((int)v);
	}
	if (!strcmp(action, "signal")) {
		struct rlimit no_core = { 0, 0 };
		sigset_t all;

		setrlimit(RLIMIT_CORE, &no_core);
		signal((int)v, SIG_DFL);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		sleep_ms(nargs > 1 ? atol(args[1]) : 0);
		raise((int)v);
		_exit(126);
	}
	if (!strcmp(action, "threads")) {
		for (long i = 0; i < v; i++) {
			pthread_t t;

			if (pthread_create(&t, NULL, thread_end, NULL) || pthread_join(t, NULL))
				_exit(1);
		}
		_exit(0);
	}
	_exit(125);
}

/* Whether the child's end is the one the action expects. */
static int as_expected(const char *action, char **args, int nargs, int st)
{
	if (!strcmp(action, "exec") || !strcmp(action, "threads"))
		return WIFEXITED(st) && WEXITSTATUS(st) == 0;
	if (!strcmp(action, "fail"))
		return WIFEXITED(st) && WEXITSTATUS(st) == 127;
	if (!strcmp(action, "exit"))
		return WIFEXITED(st) && WEXITSTATUS(st) == (atoi(args[0]) & 0xff);
	return WIFSIGNALED(st) && WTERMSIG(st) == atoi(args[0]);
}

int main(int argc, char **argv)
{
	const char *action;
	char **args;
	long n = 10;
	int opt, nargs, wait_go = 0;

	while ((opt = getopt(argc, argv, "+n:N:w")) != -1) {
		switch (opt) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'N':
			if (prctl(PR_SET_NAME, optarg, 0, 0, 0))
				return 1;
			break;
		case 'w':
			wait_go = 1;
			break;
		default:
			return usage();
		}
	}
	if (optind + 1 >= argc || n < 0)
		return usage();
	action = argv[optind];
	args = &argv[optind + 1];
	nargs = argc - optind - 1;
	if (strcmp(action, "exec") && strcmp(action, "fail") && strcmp(action, "exit") &&
	    strcmp(action, "signal") && strcmp(action, "threads"))
		return usage();

	if (wait_go && wl_wait_go())
		return 1;
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			return 1;
		if (pid == 0)
			child(action, args, nargs);
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR)
				return 1;
		if (!as_expected(action, args, nargs, st))
			return 1;
	}
	return 0;
}
