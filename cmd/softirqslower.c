// SPDX-License-Identifier: Apache-2.0
/*
 * softirqslower: soft interrupts that waited to run, or ran, longer than a bound; one line per
 * slow stage.
 *
 * Interface of BCC's softirqslower by Chenyue Zhou; written anew, with --json.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "softirqslower.h"

static struct softirqslower_env {
	struct bct_env kit; /* --json, --ebpf, --debug */
	uint64_t min_us;
	bool have_min;
	bool has_cpu;
	uint64_t cpu;
} env = { .min_us = 10000 };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('c', "cpu", "CPU", "trace this CPU only"),
	{ 0 },
};

static const char doc[] =
	"Trace slow soft IRQ (interrupt).\n"
	"\v"
	"  min_us    minimum softirq latency to trace, in us (default 10000)\n"
	"\n"
	"examples:\n"
	"    ./softirqslower        # trace softirq latency higher than 10000 us (default)\n"
	"    ./softirqslower 100000 # trace softirq latency higher than 100000 us\n"
	"    ./softirqslower -c 1   # trace softirq latency on CPU 1 only\n"
	"    ./softirqslower --json 0  # every softirq stage, one JSON object each\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 'c':
		bct_arg_u64(state, "CPU", arg, 0, UINT32_MAX, &env.cpu);
		env.has_cpu = true;
		break;
	case ARGP_KEY_ARG:
		if (env.have_min)
			argp_error(state, "unrecognized arguments: %s", arg);
		errno = 0;
		env.min_us = strtoull(arg, &end, 10);
		if (errno || end == arg || *end || arg[0] == '-' || env.min_us > UINT64_MAX / 1000)
			argp_error(state, "argument min_us: invalid int value: '%s'", arg);
		env.have_min = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[min_us]",
	.doc = doc,
};

/* One hook: the three programs always come from the same method. */
static const struct bct_method methods[] = {
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("raise_btf", "tp_btf/softirq_raise"),
			     BCT_PROG("entry_btf", "tp_btf/softirq_entry"),
			     BCT_PROG("exit_btf", "tp_btf/softirq_exit")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("raise_raw", "raw_tp/softirq_raise"),
			     BCT_PROG("entry_raw", "raw_tp/softirq_entry"),
			     BCT_PROG("exit_raw", "raw_tp/softirq_exit")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("raise_tp", "tracepoint/irq/softirq_raise"),
			     BCT_PROG("entry_tp", "tracepoint/irq/softirq_entry"),
			     BCT_PROG("exit_tp", "tracepoint/irq/softirq_exit")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "soft irq raise, entry and exit", methods, false },
					 { NULL } };

const struct bct_needs needs_softirqslower = {
	.src_name = "softirqslower.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* BCC's "%-8s %-20s %-8s %-14d %-6d %-6s" */
static const struct bct_col cols[] = {
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "STAGE", "stage", 20, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "SOFTIRQ", "softirq", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "LAT(us)", "lat_us", 14, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "CPU", "cpu", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 6, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "LAT(ns)", "lat_ns", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	static const char *const names[] = { "hi",	 "timer",   "net_tx", "net_rx",	 "block",
					     "irq_poll", "tasklet", "sched",  "hrtimer", "rcu" };
	const struct softirqslower_event *e = data;
	char ts[16], vec[16];
	time_t now;

	if (size < sizeof(*e))
		return 0;
	now = time(NULL);
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	if (e->vec < sizeof(names) / sizeof(names[0]))
		snprintf(vec, sizeof(vec), "%s", names[e->vec]);
	else
		snprintf(vec, sizeof(vec), "%" PRIu32, e->vec); /* newer than this table */
	bct_out__str(out, ts);
	bct_out__str(out, e->stage == SOFTIRQSLOWER_IRQ_TO_SOFTIRQ ? "irq(hard) to softirq"
								   : "softirq runtime");
	bct_out__str(out, vec);
	bct_out__uint(out, e->delta_ns / 1000);
	bct_out__uint(out, e->cpu);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__uint(out, e->delta_ns);
	return bct_out__end(out);
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = bct_prog__define(p, "MIN_NS", "%" PRIu64 "ULL", env.min_us * 1000);

	if (env.has_cpu)
		err = err ?: bct_prog__define(p, "FILTER_CPU", "%" PRIu64 "U", env.cpu);
	return err;
}

int cmd_softirqslower(int argc, char **argv)
{
	char banner[96];
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event, .banner = banner };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	snprintf(banner, sizeof(banner),
		 "Tracing softirq latency higher than %" PRIu64 " us... Hit Ctrl-C to end.",
		 env.min_us);
	if (bct_session__init(&s, &env.kit, &needs_softirqslower, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
