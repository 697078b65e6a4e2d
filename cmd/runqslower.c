// SPDX-License-Identifier: Apache-2.0
/*
 * runqslower: trace run queue (scheduler) waits longer than a threshold, one line per wait,
 * with the task that waited and, with -P, the task that ran before it on that CPU.
 *
 * Interface of BCC's runqslower by Ivan Babrou; written anew, with --json.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "probe.h"
#include "prog.h"
#include "runqslower.h"

static struct runqslower_env {
	struct bct_env kit; /* the shared options: -p, -t, --json... */
	bool previous;
	uint64_t min_us;
	bool have_min;
} env = { .min_us = 10000 };

static const struct bct_opt opts[] = {
	BCT_FLAG('P', "previous", &env.previous, "also show previous task name and TID"),
	{ 0 },
};

static const char doc[] =
	"Trace high run queue latency\n"
	"\v"
	"positional arguments:\n"
	"  min_us    minimum run queue latency to trace, in us (default 10000)\n"
	"\n"
	"examples:\n"
	"    ./runqslower         # trace run queue latency higher than 10000 us\n"
	"    ./runqslower 1000    # trace run queue latency higher than 1000 us\n"
	"    ./runqslower -p 123  # trace pid 123\n"
	"    ./runqslower -t 123  # trace tid 123 (use for threads only)\n"
	"    ./runqslower -P      # also show previous task comm and TID\n"
	"    ./runqslower --json  # one JSON object per slow wait\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case ARGP_KEY_ARG:
		if (env.have_min)
			argp_error(state, "unrecognized arguments: %s", arg);
		errno = 0;
		env.min_us = strtoull(arg, &end, 10);
		if (errno || end == arg || *end || arg[0] == '-')
			argp_error(state, "argument min_us: invalid int value: '%s'", arg);
		env.have_min = true;
		break;
	case ARGP_KEY_END:
		/* BCC: -p and -t are a mutually exclusive group */
		if (env.kit.filter.pid && env.kit.filter.tid)
			argp_error(state, "argument -t/--tid: not allowed with argument -p/--pid");
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
	.shared = { .pid = 'p', .tid = 't' },
};

/* One hook: the wake-up and switch programs must come from the same method. */
static const struct bct_method methods[] = {
	{ .name = "sched_info",
	  .progs = BCT_PROGS(BCT_PROG("rqs_switch_info", "tp_btf/sched_switch")),
	  .usable = bct_sched_info_kept },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("rqs_wakeup_btf", "tp_btf/sched_wakeup"),
			     BCT_PROG("rqs_new_btf", "tp_btf/sched_wakeup_new"),
			     BCT_PROG("rqs_switch_btf", "tp_btf/sched_switch")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("rqs_wakeup_raw", "raw_tp/sched_wakeup"),
			     BCT_PROG("rqs_new_raw", "raw_tp/sched_wakeup_new"),
			     BCT_PROG("rqs_switch_raw", "raw_tp/sched_switch")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "scheduler wake-ups and switches", methods, false },
					 { NULL } };

const struct bct_needs needs_runqslower = {
	.src_name = "runqslower.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* BCC's "%-8s %-16s %-6s %14s" and, with -P, " %-16s %-6s". */
static const struct bct_col cols[] = {
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "LAT(us)", "lat_us", 14, BCT_COL_UINT, 0, 0 },
	{ "PREV COMM", "prev_comm", 16, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "PREV TID", "prev_tid", 6, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "prev_comm", env.previous);
	bct_out__show(out, "prev_tid", env.previous);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct runqslower_event *e = data;
	char when[16];
	time_t now;
	struct tm tm;

	if (size < sizeof(*e))
		return 0;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	bct_out__str(out, when);
	bct_out__strn(out, e->task, sizeof(e->task));
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->delta_us);
	bct_out__strn(out, e->prev_task, sizeof(e->prev_task));
	bct_out__uint(out, e->prev_pid);
	return bct_out__end(out);
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	char v[32];

	snprintf(v, sizeof(v), "%" PRIu64, env.min_us);
	return bct_prog__define(p, "RQS_MIN_US", "%s", v);
}

int cmd_runqslower(int argc, char **argv)
{
	char banner[96];
	struct bct_event_tool tool = {
		.cols = cols, .columns = columns, .on_event = on_event, .banner = banner
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	snprintf(banner, sizeof(banner), "Tracing run queue latency higher than %" PRIu64 " us",
		 env.min_us);
	if (bct_session__init(&s, &env.kit, &needs_runqslower, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
