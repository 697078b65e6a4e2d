// SPDX-License-Identifier: Apache-2.0
/*
 * softirqs: summarize the time spent in soft interrupt handlers, per vector: a table of totals
 * per interval (BCC's default), counts (-C), or log2 histograms (-d).
 *
 * Interface of BCC's softirqs by Brendan Gregg (tracepoints by Sasha Goldshtein, CPU filter
 * and counts by Rocky Xing); written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "histtool.h"
#include "log.h"
#include "prog.h"
#include "sumtable.h"

static struct softirqs_env {
	struct bct_env kit; /* -T, [interval [count]], --json... */
	bool nanoseconds;
	bool events;
	bool dist;
	bool has_cpu;
	uint64_t cpu;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('N', "nanoseconds", &env.nanoseconds, "output in nanoseconds"),
	BCT_FLAG('C', "events", &env.events, "show the number of soft irq events"),
	BCT_FLAG('d', "dist", &env.dist, "show distributions as histograms"),
	BCT_CUSTOM('c', "cpu", "CPU", "trace this CPU only"),
	{ 0 },
};

static const char doc[] =
	"Summarize soft irq event time as histograms.\n"
	"\v"
	"examples:\n"
	"    ./softirqs            # sum soft irq event time\n"
	"    ./softirqs -C         # show the number of soft irq events\n"
	"    ./softirqs -d         # show soft irq event time as histograms\n"
	"    ./softirqs 1 10       # print 1 second summaries, 10 times\n"
	"    ./softirqs -NT 1      # 1s summaries, nanoseconds, and timestamps\n"
	"    ./softirqs -c 1       # sum soft irq event time on CPU 1 only\n"
	"    ./softirqs -C --json 1  # counts per second, one JSON object per vector\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key != 'c')
		return ARGP_ERR_UNKNOWN;
	bct_arg_u64(state, "CPU", arg, 0, UINT32_MAX, &env.cpu);
	env.has_cpu = true;
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[interval] [count]",
	.doc = doc,
	.shared = { .timestamp = 'T', .interval = true },
};

/* One hook: entry and exit always come from the same method. */
static const struct bct_method methods[] = {
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("softirq_entry_btf", "tp_btf/softirq_entry"),
			     BCT_PROG("softirq_exit_btf", "tp_btf/softirq_exit")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("softirq_entry_raw", "raw_tp/softirq_entry"),
			     BCT_PROG("softirq_exit_raw", "raw_tp/softirq_exit")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("softirq_entry_tp", "tracepoint/irq/softirq_entry"),
			     BCT_PROG("softirq_exit_tp", "tracepoint/irq/softirq_exit")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "soft irq handlers", methods, false }, { NULL } };

const struct bct_needs needs_softirqs = {
	.src_name = "softirqs.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* The kernel's softirq_to_name[], lowercase, as BCC prints them. */
static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	static const char *const names[] = { "hi",	 "timer",   "net_tx", "net_rx",	 "block",
					     "irq_poll", "tasklet", "sched",  "hrtimer", "rcu" };
	uint32_t vec = *(const uint32_t *)key;

	if (vec < sizeof(names) / sizeof(names[0]))
		snprintf(buf, sz, "%s", names[vec]);
	else
		snprintf(buf, sz, "%" PRIu32, vec); /* a vector newer than this table */
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.events)
		err = err ?: bct_prog__define(p, "SOFTIRQS_COUNT", NULL);
	if (env.dist) {
		err = err ?: bct_prog__define(p, "SOFTIRQS_DIST", NULL);
		err = err
			      ?: bct_prog__define(p, "SOFTIRQS_FACTOR", "%s",
						  env.nanoseconds ? "1" : "1000");
	} else {
		err = err ?: bct_prog__define(p, "BCT_HIST_SLOTS", "1");
	}
	if (env.has_cpu)
		err = err ?: bct_prog__define(p, "SOFTIRQS_FILTER_CPU", "%" PRIu64 "U", env.cpu);
	return err;
}

int cmd_softirqs(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.section = "softirq",
		.key_name = key_name,
		.missed_what = "soft irq events",
	};
	struct bct_sum_run run = {
		.name_col = "SOFTIRQ",
		.name_width = 16,
		.count_opt = "--events",
		.time_banner = "Tracing soft irq event time... Hit Ctrl-C to end.",
		.count_banner = "Tracing soft irq events... Hit Ctrl-C to end.",
	};
	struct bct_sum_table tab;
	struct bct_session s = { .ctx = &tab, .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	run.count = env.events;
	run.nanoseconds = env.nanoseconds;
	run.dist = env.dist;
	if (bct_session__init(&s, &env.kit, &needs_softirqs, NULL))
		return 1;
	return bct_sum_run(&s, &tool, &run);
}
