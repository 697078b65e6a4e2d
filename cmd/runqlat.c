// SPDX-License-Identifier: Apache-2.0
/*
 * runqlat: summarize run queue (scheduler) latency as a histogram, per interval.
 *
 * Interface of BCC's runqlat by Brendan Gregg; written anew, with --json as strict JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "histtool.h"
#include "log.h"
#include "probe.h"
#include "prog.h"
#include "runqlat.h"

#define K_PIDNSS 0x100

static struct runqlat_env {
	struct bct_env kit; /* the shared options: -T, -p, [interval [count]], --json... */
	bool milliseconds;
	bool per_pid;
	bool per_tid;
	bool per_pidns;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('m', "milliseconds", &env.milliseconds, "millisecond histogram"),
	BCT_FLAG('P', "pids", &env.per_pid, "print a histogram per process ID"),
	BCT_FLAG(K_PIDNSS, "pidnss", &env.per_pidns, "print a histogram per PID namespace"),
	BCT_FLAG('L', "tids", &env.per_tid, "print a histogram per thread ID"),
	{ 0 },
};

static const char doc[] = "Summarize run queue (scheduler) latency as a histogram\n"
			  "\v"
			  "examples:\n"
			  "    ./runqlat            # summarize run queue latency as a histogram\n"
			  "    ./runqlat 1 10       # print 1 second summaries, 10 times\n"
			  "    ./runqlat -mT 1      # 1s summaries, milliseconds, and timestamps\n"
			  "    ./runqlat -P         # show each PID separately\n"
			  "    ./runqlat -p 185     # trace PID 185 only\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.args_doc = "[interval] [count]",
	.doc = doc,
	.shared = { .pid = 'p', .timestamp = 'T', .interval = true },
};

/* One hook: the wake-up and switch programs must come from the same method. */
static const struct bct_method methods[] = {
	{ .name = "sched_info",
	  .progs = BCT_PROGS(BCT_PROG("rq_switch_info", "tp_btf/sched_switch")),
	  .usable = bct_sched_info_kept },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("rq_wakeup_btf", "tp_btf/sched_wakeup"),
			     BCT_PROG("rq_new_btf", "tp_btf/sched_wakeup_new"),
			     BCT_PROG("rq_switch_btf", "tp_btf/sched_switch")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("rq_wakeup_raw", "raw_tp/sched_wakeup"),
			     BCT_PROG("rq_new_raw", "raw_tp/sched_wakeup_new"),
			     BCT_PROG("rq_switch_raw", "raw_tp/sched_switch")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "scheduler wake-ups and switches", methods, false },
					 { NULL } };

const struct bct_needs needs_runqlat = {
	.src_name = "runqlat.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* BCC prints the section's ID as a plain number (its section_print_fn=int). */
static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	snprintf(buf, sz, "%" PRIu64, *(const uint64_t *)key);
}

/* The kernel's pid_max (thread IDs are below it): the start-time array's size. */
static unsigned long pid_max(void)
{
	unsigned long n = RUNQLAT_MAX_START;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");

	if (f) {
		if (fscanf(f, "%lu", &n) != 1 || !n || n > RUNQLAT_PID_LIMIT)
			n = RUNQLAT_MAX_START;
		fclose(f);
	}
	return n;
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = bct_prog__define(p, "RUNQLAT_PID_MAX", "%lu", pid_max());

	if (env.milliseconds)
		err = err ?: bct_prog__define(p, "RUNQLAT_FACTOR", "1000000");
	/* as BCC: -L wins over -P, both over --pidnss */
	if (env.per_tid)
		err = err ?: bct_prog__define(p, "RUNQLAT_PER_TID", NULL);
	else if (env.per_pid)
		err = err ?: bct_prog__define(p, "RUNQLAT_PER_PID", NULL);
	else if (env.per_pidns)
		err = err ?: bct_prog__define(p, "RUNQLAT_PER_PIDNS", NULL);
	return err;
}

int cmd_runqlat(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.unit = "usecs",
		.key_name = key_name,
		.section_number = true,
		.banner = "Tracing run queue latency... Hit Ctrl-C to end.",
		.missed_what = "run queue latencies",
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.milliseconds)
		tool.unit = "msecs";
	if (env.per_tid)
		tool.section = "tid";
	else if (env.per_pid)
		tool.section = "pid";
	else if (env.per_pidns)
		tool.section = "pidns";
	if (bct_session__init(&s, &env.kit, &needs_runqlat, NULL))
		return 1;
	return bct_hist_run(&s, &tool);
}
