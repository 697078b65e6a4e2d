// SPDX-License-Identifier: Apache-2.0
/*
 * llcstat: BCC's last-level cache references and misses per process, sampled from hardware
 * cache events. Interface of BCC's llcstat by Teng Qin; written anew.
 *
 * Not implemented: the counts come from the CPU's hardware PMU (PERF_COUNT_HW_CACHE_MISSES
 * and _REFERENCES), which virtual machines without a virtual PMU do not have. The command
 * parses BCC's options, probes the cache-misses event for real, and says in one line what is
 * missing (exit 1) rather than print nothing as BCC does; `bcctool check llcstat` gives the
 * same reason.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cmd.h"
#include "unavailable.h"
#include "log.h"
#include "tool.h"

static struct llcstat_env {
	struct bct_env kit; /* --json, --debug */
	uint64_t sample_period;
	bool tid;
	bool have_duration;
} env = { .sample_period = 100 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('c', "sample_period", "SAMPLE_PERIOD",
		   "Sample one in this many number of cache reference / miss events"),
	BCT_FLAG('t', "tid", &env.tid, "Summarize cache references and misses by PID/TID"),
	{ 0 },
};

static const char doc[] = "Summarize cache references and misses by PID\n"
			  "\v"
			  "  duration  Duration, in seconds, to run (default 10)\n"
			  "\n"
			  "examples:\n"
			  "    llcstat               # count for 10 seconds\n"
			  "    llcstat -c 1000 20    # sample one event in 1000, for 20 seconds\n"
			  "    llcstat -t            # by PID and TID\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	uint64_t secs;

	switch (key) {
	case 'c':
		bct_arg_u64(state, "-c/--sample_period", arg, 1, UINT32_MAX, &env.sample_period);
		break;
	case ARGP_KEY_ARG:
		if (env.have_duration)
			argp_error(state, "unrecognized arguments: %s", arg);
		bct_arg_u64(state, "duration", arg, 0, UINT32_MAX, &secs);
		env.have_duration = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[duration]",
	.doc = doc,
};

/* Opens the hardware cache-misses event on CPU 0, as the tool would; 0 or -errno. */
static int llcstat_requires(char *why, size_t why_sz)
{
	struct perf_event_attr attr;
	int fd, err;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_CACHE_MISSES;
	attr.sample_period = 100;
	attr.disabled = 1;
	fd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		snprintf(why, why_sz,
			 "bcctool does not implement llcstat's hardware sampling yet (the PMU is "
			 "there)");
		return -ENOSYS;
	}
	err = -errno;
	if (err == -EACCES || err == -EPERM)
		snprintf(why, why_sz,
			 "opening the hardware cache-misses event needs root or CAP_PERFMON (%s)",
			 strerror(-err));
	else
		snprintf(why, why_sz,
			 "no hardware PMU: the cache-misses perf event cannot be opened (%s); run "
			 "on bare metal or a VM with a virtual PMU",
			 strerror(-err));
	return err;
}

const struct bct_needs needs_llcstat = { .requires = llcstat_requires };

int cmd_llcstat(int argc, char **argv)
{
	return bct_run_unavailable(&args, &env.kit, &needs_llcstat,
				   "count cache references and misses", argc, argv);
}
