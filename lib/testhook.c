// SPDX-License-Identifier: Apache-2.0
/* BCCTOOL_TEST_PAUSE: stop at a stage, for the tests (lib/testhook.h). */
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testhook.h"

void bct_test_pause(const char *stage)
{
	static bool done;
	const char *want = getenv("BCCTOOL_TEST_PAUSE");

	if (done || !want || strcmp(want, stage))
		return;
	done = true;
	raise(SIGSTOP);
}
