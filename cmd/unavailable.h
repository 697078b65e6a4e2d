/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The run of a tool that this machine cannot serve and bcctool does not implement without
 * what it lacks (llcstat, criticalstat, cpufreq): its options are parsed as the tool's (bad
 * ones are usage errors, exit 2), --ebpf says it has no BPF program, and otherwise one line
 * says what is missing (its needs' requires()) and the exit code is 1.
 */
#ifndef BCT_CMD_UNAVAILABLE_H
#define BCT_CMD_UNAVAILABLE_H

#include <stdio.h>

#include "cmd.h"
#include "log.h"
#include "tool.h"

/* cannot: what the tool would do, as "cannot CANNOT: WHY" says it */
static inline int bct_run_unavailable(const struct bct_tool_args *args, struct bct_env *env,
				      const struct bct_needs *needs, const char *cannot, int argc,
				      char **argv)
{
	char why[256] = "";
	int rc = bct_tool_parse(args, env, argc, argv);

	if (rc)
		return rc;
	if (env->common.ebpf) {
		printf("%s: this tool has no BPF program\n", bct_log_prog());
		return 0;
	}
	needs->requires(why, sizeof(why));
	pr_err("cannot %s: %s", cannot, why);
	return 1;
}

#endif
