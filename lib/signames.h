/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signal and errno names for the tools that show them (killsnoop, sigsnoop): glibc's
 * sigabbrev_np() and strerrorname_np() with the kernel's spelling where glibc's differs.
 */
#ifndef BCT_SIGNAMES_H
#define BCT_SIGNAMES_H

#include <stdbool.h>

/* Highest signal number the kernel knows (SIGRTMAX). */
#define BCT_SIG_MAX 64

/*
 * "SIGHUP" .. "SIGSYS" for the standard signals 1..31 (29 is "SIGIO", as the kernel calls
 * it); NULL for 0, real-time and unknown numbers.
 */
const char *bct_signame(int sig);
/*
 * A signal given on the command line: a number 0..BCT_SIG_MAX, or a standard signal's name
 * with or without "SIG", in any case ("9", "KILL", "sigkill"). -1 when it is neither.
 */
int bct_sig_parse(const char *s);
/* "ESRCH" for 3 (or -3); NULL for 0 and unknown numbers. */
const char *bct_errname(int err);

#endif
