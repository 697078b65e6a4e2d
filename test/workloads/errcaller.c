// SPDX-License-Identifier: Apache-2.0
/*
 * errcaller: a known number of failing system calls, each kind with its own error, for the
 * tests of tools that count failures (syscount -x, -e):
 *
 *   errcaller [-n N] [-N COMM] [-w]
 *
 *   N    close(-1)                       failing with EBADF
 *   2N   chdir("/nonexistent-errcaller") failing with ENOENT
 *   3N   getppid()                       succeeding
 *
 * All made with syscall(2), so no libc wrapper adds or hides one.
 *   -n N        (default 100)
 *   -N COMM     set the command name first (prctl PR_SET_NAME)
 *   -w          print "ready" on stdout, then wait for SIGUSR1 before starting
 *
 * Prints nothing else; exits 0 when every call failed or succeeded as expected, else 1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wait_go.h"

int main(int argc, char **argv)
{
	long n = 100, i;
	int opt, wait_go = 0, bad = 0;

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
			fprintf(stderr, "usage: errcaller [-n N] [-N COMM] [-w]\n");
			return 2;
		}
	}
	if (wait_go && wl_wait_go())
		return 1;
	for (i = 0; i < n; i++)
		if (syscall(SYS_close, -1) != -1 || errno != EBADF)
			bad = 1;
	for (i = 0; i < 2 * n; i++)
		if (syscall(SYS_chdir, "/nonexistent-errcaller") != -1 || errno != ENOENT)
			bad = 1;
	for (i = 0; i < 3 * n; i++)
		if (syscall(SYS_getppid) < 0)
			bad = 1;
	return bad;
}
