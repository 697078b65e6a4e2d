/* SPDX-License-Identifier: Apache-2.0 */
/* The command table built from cmd/cmdlist.h. */
#ifndef BCT_CMD_H
#define BCT_CMD_H

#include <stddef.h>

enum {
	BCT_NEEDS_BPF = 1 << 0, /* loads BPF: needs root or CAP_BPF+CAP_PERFMON */
	BCT_HIDDEN = 1 << 1, /* internal: not in --list, no man page required */
	BCT_ALIAS = 1 << 2, /* a tool's other name, with a language set (pythoncalls...) */
};

struct bct_hook;

/* One way a tool runs, with the hooks it attaches then: "" for the default run, or "-Q". */
struct bct_variant {
	const char *when; /* NULL ends the list */
	const struct bct_hook *hooks;
};

/*
 * What a tool that loads BPF needs from the kernel, declared beside its code as
 * `const struct bct_needs needs_<fn>` so that `bcctool check` answers without compiling or
 * loading anything: each variant's hooks (lib/prog.h), whose methods name their programs'
 * SEC()s. A tool runs its default variant's hooks from the same table.
 */
struct bct_needs {
	const char *src_name; /* "opensnoop.bpf.c" */
	const struct bct_variant *variants; /* the default run first */
	/*
	 * What the tool needs from the machine beyond its hooks (a hardware PMU, a cpufreq
	 * driver), probed for real: 0 when present, else -errno and what is missing in why (one
	 * line, lowercase). NULL: nothing beyond the hooks. `bcctool check` shows the reason.
	 */
	int (*requires)(char *why, size_t why_sz);
	/*
	 * For a tool whose run needs arguments: harmless ones for its default run ("-d /tmp"),
	 * so that `check --load-all` (test/085-verify-methods.bats) can load its programs.
	 */
	const char *default_args;
};

struct bct_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	unsigned int flags;
	const struct bct_needs *needs; /* NULL for a tool that loads no BPF */
};

/* The registry, sorted by name (cmd/main.c). */
const struct bct_cmd *bct_cmd_table(size_t *n);

/* Every command's function, and its needs (weak: NULL where the command defines none). */
#define BCT_CMD(name, fn, summary, flags)    \
	int cmd_##fn(int argc, char **argv); \
	extern const struct bct_needs needs_##fn __attribute__((weak));
#include "cmdlist.h"
#undef BCT_CMD

#endif
