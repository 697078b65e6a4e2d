// SPDX-License-Identifier: Apache-2.0
/*
 * criticalstat: BCC's long critical sections (preemption or IRQs disabled). Interface of BCC's
 * criticalstat by Joel Fernandes; written anew.
 *
 * Not implemented: the sections are timed on the preemptirq:{irq,preempt}_{disable,enable}
 * trace events, which exist only in kernels built with CONFIG_PREEMPTIRQ_TRACEPOINTS (and
 * the irqsoff or preemptoff tracer). The command parses BCC's options, looks for the events
 * for real, and says in one line what is missing (exit 1); `bcctool check criticalstat`
 * gives the same reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "unavailable.h"
#include "log.h"
#include "tool.h"

static struct criticalstat_env {
	struct bct_env kit; /* --json, --debug */
	bool preemptoff;
	bool irqoff;
	uint64_t duration;
} env = { .duration = 100 };

static const struct bct_opt opts[] = {
	BCT_FLAG('p', "preemptoff", &env.preemptoff, "Find long sections where preemption was off"),
	BCT_FLAG('i', "irqoff", &env.irqoff, "Find long sections where IRQ was off"),
	BCT_CUSTOM('d', "duration", "DURATION",
		   "Duration in uS (microseconds) below which we filter"),
	{ 0 },
};

static const char doc[] = "Trace long critical sections\n"
			  "\v"
			  "examples:\n"
			  "    criticalstat          # sections with preemption off over 100 us\n"
			  "    criticalstat -i       # sections with IRQs off\n"
			  "    criticalstat -d 500   # over 500 us\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key != 'd')
		return ARGP_ERR_UNKNOWN;
	bct_arg_u64(state, "-d/--duration", arg, 0, UINT32_MAX, &env.duration);
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.doc = doc,
};

/* The four preemptirq events, under either mount of tracefs; 0 or -ENOENT. */
static int criticalstat_requires(char *why, size_t why_sz)
{
	static const char *const dirs[] = { "/sys/kernel/tracing/events/preemptirq",
					    "/sys/kernel/debug/tracing/events/preemptirq" };
	static const char *const evs[] = { "irq_disable", "irq_enable", "preempt_disable",
					   "preempt_enable" };
	char path[128];
	size_t d, e;

	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		for (e = 0; e < sizeof(evs) / sizeof(evs[0]); e++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[d], evs[e]);
			if (access(path, F_OK))
				break;
		}
		if (e == sizeof(evs) / sizeof(evs[0])) {
			snprintf(why, why_sz,
				 "bcctool does not implement criticalstat on the preemptirq "
				 "events yet (they are there)");
			return -ENOSYS;
		}
	}
	snprintf(why, why_sz,
		 "no preemptirq trace events (irq_disable, irq_enable, preempt_disable, "
		 "preempt_enable): the kernel needs CONFIG_PREEMPTIRQ_TRACEPOINTS");
	return -ENOENT;
}

const struct bct_needs needs_criticalstat = { .requires = criticalstat_requires };

int cmd_criticalstat(int argc, char **argv)
{
	return bct_run_unavailable(&args, &env.kit, &needs_criticalstat, "time critical sections",
				   argc, argv);
}
