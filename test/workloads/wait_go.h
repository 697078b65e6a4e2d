/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workloads' -w: say "ready", then wait for the test's SIGUSR1 before starting. Returns 0,
 * or sigwait()'s error.
 */
#ifndef WL_WAIT_GO_H
#define WL_WAIT_GO_H

#include <signal.h>
#include <stdio.h>

static inline int wl_wait_go(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("ready\n");
	fflush(stdout);
	return sigwait(&set, &sig);
}

#endif
