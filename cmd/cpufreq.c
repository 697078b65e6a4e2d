// SPDX-License-Identifier: Apache-2.0
/*
 * cpufreq: libbpf-tools' CPU frequency sampling, system-wide and per process. Interface of
 * libbpf-tools' cpufreq by Wenbo Zhang; written anew.
 *
 * Not implemented: the tool reads each CPU's current frequency from the cpufreq driver
 * (/sys/devices/system/cpu/cpuN/cpufreq) and follows power:cpu_frequency, which fires only
 * when a driver changes it. Without a driver (most VMs) there is nothing to sample. The
 * command parses the options, looks for the driver for real, and says in one line what is
 * missing (exit 1); `bcctool check cpufreq` gives the same reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "unavailable.h"
#include "log.h"
#include "tool.h"

static struct cpufreq_env {
	struct bct_env kit; /* --json, --debug */
	uint64_t duration;
	uint64_t freq;
	const char *cgroup;
} env = { .freq = 99 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('d', "duration", "DURATION", "Duration to sample in seconds"),
	BCT_CUSTOM('f', "frequency", "FREQUENCY", "Sample with a certain frequency"),
	BCT_CUSTOM('c', "cgroup", "/sys/fs/cgroup/unified", "Trace process in cgroup path"),
	{ 0 },
};

static const char doc[] = "Sampling CPU freq system-wide & by process. Ctrl-C to end.\n"
			  "\v"
			  "examples:\n"
			  "    cpufreq         # sample CPU freq at 99HZ (default)\n"
			  "    cpufreq -d 5    # sample for 5 seconds only\n"
			  "    cpufreq -c CG   # Trace process under cgroupsPath CG\n"
			  "    cpufreq -f 199  # sample CPU freq at 199HZ\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'd':
		bct_arg_u64(state, "-d/--duration", arg, 1, UINT32_MAX, &env.duration);
		break;
	case 'f':
		bct_arg_u64(state, "-f/--frequency", arg, 1, UINT32_MAX, &env.freq);
		break;
	case 'c':
		env.cgroup = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.doc = doc,
};

/* A cpufreq driver: CPU 0's scaling_cur_freq; 0 or -ENOENT. */
static int cpufreq_requires(char *why, size_t why_sz)
{
	if (!access("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", F_OK)) {
		snprintf(why, why_sz,
			 "bcctool does not implement cpufreq's sampling yet (the driver is there)");
		return -ENOSYS;
	}
	snprintf(why, why_sz,
		 "no cpufreq driver: /sys/devices/system/cpu/cpu0/cpufreq is missing (CPU "
		 "frequency scaling is off, or a VM without it)");
	return -ENOENT;
}

const struct bct_needs needs_cpufreq = { .requires = cpufreq_requires };

int cmd_cpufreq(int argc, char **argv)
{
	return bct_run_unavailable(&args, &env.kit, &needs_cpufreq, "sample CPU frequencies", argc,
				   argv);
}
