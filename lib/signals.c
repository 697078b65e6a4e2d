// SPDX-License-Identifier: Apache-2.0
/* Stop requests as a flag: handlers only record the signal; loops end and clean up. */
#include <string.h>

#include "signals.h"

volatile sig_atomic_t bct_exiting;

static void on_signal(int sig)
{
	bct_exiting = sig;
}

void bct_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
}
