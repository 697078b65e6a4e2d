// SPDX-License-Identifier: Apache-2.0
/*
 * mdflush: trace md (software RAID) flush requests, one line per request.
 *
 * Interface of BCC's mdflush by Brendan Gregg; written anew, with --json. md has no trace
 * event, so this needs fentry or kprobes on md_flush_request() and a kernel with md: without
 * them no method attaches, and the tool says what is missing in one line and exits 1.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "prog.h"
#include "mdflush.h"

static struct mdflush_env {
	struct bct_env kit; /* --json, --ebpf, --debug */
} env;

static const char doc[] = "Trace md flush events.\n";

static const struct bct_tool_args args = {
	.parser = bct_no_args,
	.doc = doc,
};

static const struct bct_method methods[] = {
	{ .name = "fentry",
	  .progs = BCT_PROGS(BCT_PROG("mdflush_fentry", "fentry/md_flush_request")) },
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("mdflush_kprobe", "kprobe/md_flush_request")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "md flush requests", methods, false }, { NULL } };

const struct bct_needs needs_mdflush = {
	.src_name = "mdflush.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* BCC's "%-8s %-7d %-16s %s" */
static const struct bct_col cols[] = {
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "DEVICE", "device", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct mdflush_event *e = data;
	time_t now = time(NULL);
	char ts[16];

	if (size < sizeof(*e))
		return 0;
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	bct_out__str(out, ts);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__strn(out, e->disk, sizeof(e->disk));
	return bct_out__end(out);
}

int cmd_mdflush(int argc, char **argv)
{
	struct bct_event_tool tool = {
		.cols = cols,
		.on_event = on_event,
		.banner = "Tracing md flush requests... Hit Ctrl-C to end.",
	};
	struct bct_session s = { 0 };
	int rc = bct_tool_parse(&args, &env.kit, argc, argv);

	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_mdflush, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
