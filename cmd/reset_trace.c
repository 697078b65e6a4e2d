// SPDX-License-Identifier: Apache-2.0
/* reset-trace: placeholder until the real tool lands. */
#include "bct.h"
#include "cmd.h"

int cmd_reset_trace(int argc, char **argv)
{
	return 0;
}
