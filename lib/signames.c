// SPDX-License-Identifier: Apache-2.0
/* Signal and errno names (lib/signames.h). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signames.h"

#define NSTD 32 /* standard signals are 1..31 */

static char names[NSTD][16];

const char *bct_signame(int sig)
{
	const char *abbrev;

	if (sig <= 0 || sig >= NSTD)
		return NULL;
	if (!names[sig][0]) {
		/* glibc says "POLL" for 29; the kernel, ps and kill(1) say "IO" */
		abbrev = sig == 29 ? "IO" : sigabbrev_np(sig);
		if (!abbrev)
			return NULL;
		memcpy(names[sig], "SIG", 3);
		strncpy(names[sig] + 3, abbrev, sizeof(names[sig]) - 4);
	}
	return names[sig];
}

int bct_sig_parse(const char *s)
{
	const char *name = s;
	char *end;
	long v;
	int sig;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end != s) {
		if (*end || errno || v < 0 || v > BCT_SIG_MAX)
			return -1;
		return (int)v;
	}
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (sig = 1; sig < NSTD; sig++) {
		const char *n = bct_signame(sig);

		if (n && !strcasecmp(name, n + 3))
			return sig;
	}
	if (!strcasecmp(name, "POLL"))
		return 29;
	return -1;
}

const char *bct_errname(int err)
{
	if (err < 0)
		err = -err;
	if (!err)
		return NULL;
	return strerrorname_np(err);
}
