// SPDX-License-Identifier: Apache-2.0
/*
 * numasched: trace tasks switching NUMA node, one line per move.
 *
 * Interface of BCC's numasched by Rong Tao; written anew, with -p and -t in the kernel and
 * --json. -c COMM matches the whole command name, in user space, as BCC does.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "prog.h"
#include "numasched.h"

static struct numasched_env {
	struct bct_env kit; /* the shared options: -p, -t, --json... */
	const char *comm;
} env;

static const struct bct_opt opts[] = {
	BCT_STRING('c', "comm", "COMM", &env.comm, "trace this COMM only"),
	{ 0 },
};

static const char doc[] = "Trace task NUMA switch\n"
			  "\v"
			  "examples:\n"
			  "    numasched             # trace all processes\n"
			  "    numasched -p 185      # trace PID 185 only\n"
			  "    numasched -t 186      # trace TID 186 only\n"
			  "    numasched -c java     # trace the command java only\n"
			  "    numasched --json      # one JSON object per switch\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = bct_no_args,
	.doc = doc,
	.shared = { .pid = 'p', .tid = 't' },
};

static const struct bct_method methods[] = {
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_sched_switch", "tracepoint/sched/sched_switch")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "context switches", methods, false }, { NULL } };

const struct bct_needs needs_numasched = {
	.src_name = "numasched.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* BCC's "%-8s %-8d %-8d %-8d -> %-8d %-8s" under "%-8s %-8s %-8s %-8s    %-8s %-8s". */
static const struct bct_col cols[] = {
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 8, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 8, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "SRC_NID", "src_nid", 8, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "", "arrow", 2, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "DST_NID", "dst_nid", 8, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct numasched_event *e = data;
	char ts[16], comm[NUMASCHED_COMM_LEN + 1];
	time_t now;

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	memcpy(comm, e->comm, sizeof(e->comm));
	comm[sizeof(e->comm)] = '\0';
	if (env.comm && strcmp(env.comm, comm))
		return 0;
	now = time(NULL);
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	bct_out__str(out, ts);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->tid);
	bct_out__uint(out, e->old_nid);
	bct_out__str(out, "->");
	bct_out__uint(out, e->new_nid);
	bct_out__str(out, comm);
	return bct_out__end(out);
}

int cmd_numasched(int argc, char **argv)
{
	struct bct_event_tool tool = {
		.cols = cols,
		.on_event = on_event,
		.banner = "Tracing task NUMA switch...",
	};
	struct bct_session s = { 0 };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_numasched, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
