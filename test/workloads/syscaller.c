// SPDX-License-Identifier: Apache-2.0
/*
 * syscaller: a known number of marked system events, for the tests of tools that count or list
 * them (syscalls, process creation and exit, signals, sleeps). One action, N times:
 *
 *   syscaller [-n N] [-N COMM] [-w] ACTION [ARG]
 *
 *   getpid          N getpid(2) calls, made with syscall(2) so no libc cache hides one
 *   fork [CODE]     N children, one at a time, each exiting at once with CODE (default 0)
 *   exec PATH       N children, one at a time, each execv(PATH) with no arguments
 *   kill SIG        N signals SIG sent to a child that ignores it, then the child is reaped
 *   sleep USEC      N nanosleep(2) calls of USEC microseconds
 *
 *   -n N        how many times (default 100)
 *   -N COMM     set the command name first (prctl PR_SET_NAME), for the tracer's filters
 *   -w          print "ready" on stdout, then wait for SIGUSR1 before starting (start it,
 *               start the tracer, then signal it)
 *
 * Prints nothing else; exits 0 when all N succeeded (a child's exit code is checked too),
 * else 1; 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wait_go.h"

static int usage(void)
{
	fprintf(stderr, "usage: syscaller [-n N] [-N COMM] [-w] "
			"getpid|fork [CODE]|exec PATH|kill SIG|sleep USEC\n");
	return 2;
}

/* Reaps PID; true when it exited with CODE. */
static int reaped(pid_t pid, int code)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == code;
}

static int do_fork(long n, int code)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0)
			_exit(code);
		if (!reaped(pid, code))
			return 1;
	}
	return 0;
}

static int do_exec(long n, const char *path)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			char *argv[] = { (char *)path, NULL };

			execv(path, argv);
			_exit(127);
		}
		if (!reaped(pid, 0))
			return 1;
	}
	return 0;
}

static int do_kill(long n, int sig)
{
	pid_t pid;
	int pfd[2];
	char c;

	if (pipe(pfd))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		/* ignore SIG, say so, then wait for the parent to close the pipe */
		signal(sig, SIG_IGN);
		close(pfd[0]);
		if (write(pfd[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		return 1;
	close(pfd[0]);
	for (long i = 0; i < n; i++)
		if (kill(pid, sig))
			return 1;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}

static int do_sleep(long n, long usec)
{
	struct timespec ts = { .tv_sec = usec / 1000000, .tv_nsec = usec % 1000000 * 1000 };

	for (long i = 0; i < n; i++)
		if (nanosleep(&ts, NULL))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *action, *arg;
	long n = 100;
	int opt, wait_go = 0;

	while ((opt = getopt(argc, argv, "n:N:w")) != -1) {
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
	if (optind >= argc || n < 0)
		return usage();
	action = argv[optind];
	arg = optind + 1 < argc ? argv[optind + 1] : NULL;

	if (wait_go && wl_wait_go())
		return 1;

	if (!strcmp(action, "getpid")) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getpid);
		return 0;
	}
	if (!strcmp(action, "fork"))
		return do_fork(n, arg ? atoi(arg) : 0);
	if (!strcmp(action, "exec") && arg)
		return do_exec(n, arg);
	if (!strcmp(action, "kill") && arg)
		return do_kill(n, atoi(arg));
	if (!strcmp(action, "sleep") && arg)
		return do_sleep(n, atol(arg));
	return usage();
}
