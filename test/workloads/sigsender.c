// SPDX-License-Identifier: Apache-2.0
/*
 * sigsender: a known number of marked signal sends, for the tests of killsnoop and sigsnoop.
 *
 *   sigsender [-n N] [-N COMM] [-w] [-m kill|tkill|tgkill] PID SIG [PID SIG]...
 *
 * For each PID SIG pair in turn, N calls of the chosen system call (default kill(2); tgkill
 * sends to thread PID of process PID), made with syscall(2). Then prints "sent OK FAILED":
 * how many calls returned 0 and how many failed (a failure may be what the test wants: a PID
 * that does not exist).
 *
 *   -n N        calls per pair (default 100)
 *   -N COMM     set the command name first (prctl PR_SET_NAME), for the tracer's filters
 *   -w          print "ready" on stdout, then wait for SIGUSR1 before starting
 *
 * Exits 0, or 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wait_go.h"

static int usage(void)
{
	fprintf(stderr, "usage: sigsender [-n N] [-N COMM] [-w] [-m kill|tkill|tgkill] "
			"PID SIG [PID SIG]...\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *method = "kill";
	long n = 100, ok = 0, failed = 0;
	int opt, wait_go = 0, i;

	while ((opt = getopt(argc, argv, "n:N:wm:")) != -1) {
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
		case 'm':
			method = optarg;
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc || (argc - optind) % 2 || n < 0)
		return usage();
	if (strcmp(method, "kill") && strcmp(method, "tkill") && strcmp(method, "tgkill"))
		return usage();

	if (wait_go && wl_wait_go())
		return 1;

	for (i = optind; i < argc; i += 2) {
		long pid = strtol(argv[i], NULL, 10);
		int sig = atoi(argv[i + 1]);

		for (long j = 0; j < n; j++) {
			long r;

			if (!strcmp(method, "kill"))
				r = syscall(SYS_kill, pid, sig);
			else if (!strcmp(method, "tkill"))
				r = syscall(SYS_tkill, pid, sig);
			else
				r = syscall(SYS_tgkill, pid, pid, sig);
			if (r == 0)
				ok++;
			else
				failed++;
		}
	}
	printf("sent %ld %ld\n", ok, failed);
	return 0;
}
