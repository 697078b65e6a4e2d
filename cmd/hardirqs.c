// SPDX-License-Identifier: Apache-2.0
/*
 * hardirqs: summarize the time spent in hard interrupt handlers, per handler name: a table of
 * totals per interval (BCC's default), counts (-C), or log2 histograms (-d).
 *
 * Interface of BCC's hardirqs by Brendan Gregg (tracepoints by Hengqi Chen, CPU filter by
 * Rocky Xing); written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "histtool.h"
#include "log.h"
#include "prog.h"
#include "sumtable.h"
#include "hardirqs.h"

static struct hardirqs_env {
	struct bct_env kit; /* -T, [interval [outputs]], --json... */
	bool nanoseconds;
	bool count;
	bool dist;
	bool has_cpu;
	uint64_t cpu;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('N', "nanoseconds", &env.nanoseconds, "output in nanoseconds"),
	BCT_FLAG('C', "count", &env.count, "show event counts instead of timing"),
	BCT_FLAG('d', "dist", &env.dist, "show distributions as histograms"),
	BCT_CUSTOM('c', "cpu", "CPU", "trace this CPU only"),
	{ 0 },
};

static const char doc[] =
	"Summarize hard irq event time as histograms\n"
	"\v"
	"examples:\n"
	"    ./hardirqs            # sum hard irq event time\n"
	"    ./hardirqs -d         # show hard irq event time as histograms\n"
	"    ./hardirqs 1 10       # print 1 second summaries, 10 times\n"
	"    ./hardirqs -NT 1      # 1s summaries, nanoseconds, and timestamps\n"
	"    ./hardirqs -c 1       # sum hard irq event time on CPU 1 only\n"
	"    ./hardirqs -C --json 1  # counts per second, one JSON object per irq\n";

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
	.args_doc = "[interval] [outputs]",
	.doc = doc,
	.shared = { .timestamp = 'T', .interval = true },
};

/* One hook: entry and exit always come from the same method. */
static const struct bct_method methods[] = {
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("irq_entry_btf", "tp_btf/irq_handler_entry"),
			     BCT_PROG("irq_exit_btf", "tp_btf/irq_handler_exit")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("irq_entry_raw", "raw_tp/irq_handler_entry"),
			     BCT_PROG("irq_exit_raw", "raw_tp/irq_handler_exit")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("irq_entry_tp", "tracepoint/irq/irq_handler_entry"),
			     BCT_PROG("irq_exit_tp", "tracepoint/irq/irq_handler_exit")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "hard irq handlers", methods, false }, { NULL } };

const struct bct_needs needs_hardirqs = {
	.src_name = "hardirqs.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	const struct hardirqs_key *k = key;

	snprintf(buf, sz, "%.*s", HARDIRQS_NAME_LEN, k->name);
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.dist) {
		err = err ?: bct_prog__define(p, "HARDIRQS_DIST", NULL);
		err = err
			      ?: bct_prog__define(p, "HARDIRQS_FACTOR", "%s",
						  env.nanoseconds ? "1" : "1000");
	} else {
		err = err ?: bct_prog__define(p, "BCT_HIST_SLOTS", "1");
	}
	if (env.has_cpu)
		err = err ?: bct_prog__define(p, "HARDIRQS_FILTER_CPU", "%" PRIu64 "U", env.cpu);
	return err;
}

int cmd_hardirqs(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.section = "hardirq",
		.key_name = key_name,
		.sort_by_name = true,
		.missed_what = "hard irq events",
	};
	struct bct_sum_run run = {
		.name_col = "HARDIRQ",
		.name_width = 26,
		.count_opt = "--count",
		.time_banner = "Tracing hard irq event time... Hit Ctrl-C to end.",
		.count_banner = "Tracing hard irq events... Hit Ctrl-C to end.",
	};
	struct bct_sum_table tab;
	struct bct_session s = { .ctx = &tab, .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	run.count = env.count;
	run.nanoseconds = env.nanoseconds;
	run.dist = env.dist;
	if (bct_session__init(&s, &env.kit, &needs_hardirqs, NULL))
		return 1;
	return bct_sum_run(&s, &tool, &run);
}
