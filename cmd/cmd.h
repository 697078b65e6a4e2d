/* SPDX-License-Identifier: Apache-2.0 */
/* The command table built from cmd/cmdlist.h. */
#ifndef BCT_CMD_H
#define BCT_CMD_H

enum {
	BCT_NEEDS_BPF = 1 << 0, /* loads BPF: needs root or CAP_BPF+CAP_PERFMON */
	BCT_HIDDEN = 1 << 1, /* internal: not in --list, no man page required */
};

struct bct_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	unsigned int flags;
};

#define BCT_CMD(name, fn, summary, flags) int cmd_##fn(int argc, char **argv);
#include "cmdlist.h"
#undef BCT_CMD

#endif
