// SPDX-License-Identifier: Apache-2.0
/*
 * compactsnoop: trace memory compaction of zones, one line per compaction with its zone,
 * order, mode, latency and result.
 *
 * Interface of BCC's compactsnoop by Wenbo Zhang; written anew, with --json. -e (BCC's
 * extended fields) needs a kretprobe on fragmentation_index and is refused.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "cmd.h"
#include "compactsnoop.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "stack.h"

static struct compactsnoop_env {
	struct bct_env kit; /* the shared options: -T, -p, -d, --json... */
	bool kernel_stack;
	bool extended;
	struct bct_session *s;
	struct bct_ksyms *ksyms; /* -K */
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('K', "kernel-stack", &env.kernel_stack, "output kernel stack trace"),
	BCT_FLAG('e', "extended_fields", &env.extended, "show system memory state"),
	{ 0 },
};

static const char doc[] = "Trace compact zone\n"
			  "\v"
			  "examples:\n"
			  "    ./compactsnoop          # trace all compact stall\n"
			  "    ./compactsnoop -T       # include timestamps\n"
			  "    ./compactsnoop -d 10    # trace for 10 seconds only\n"
			  "    ./compactsnoop -p 181   # only trace PID 181\n"
			  "    ./compactsnoop --json   # one JSON object per compaction\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.doc = doc,
	.shared = { .pid = 'p', .timestamp = 'T', .duration = 'd' },
};

static const struct bct_method methods[] = {
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("cs_suitable_btf", "tp_btf/mm_compaction_suitable"),
			     BCT_PROG("cs_begin_btf", "tp_btf/mm_compaction_begin"),
			     BCT_PROG("cs_end_btf", "tp_btf/mm_compaction_end")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("cs_suitable_raw", "raw_tp/mm_compaction_suitable"),
			     BCT_PROG("cs_begin_raw", "raw_tp/mm_compaction_begin"),
			     BCT_PROG("cs_end_raw", "raw_tp/mm_compaction_end")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "compaction tracepoints", methods, false },
					 { NULL, NULL, false } };

const struct bct_needs needs_compactsnoop = {
	.src_name = "compactsnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static struct bct_col cols[] = {
	{ "TIME(s)", "time", 14, BCT_COL_DOUBLE, BCT_COL_LEFT | BCT_COL_HIDDEN, 9 },
	{ "COMM", "comm14", 14, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "COMM", "comm", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "PID", "pid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "NODE", "node", 4, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "ZONE", "zone", 12, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "ORDER", "order", 5, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "MODE", "mode", 7, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "LAT(ms)", "lat_ms", 9, BCT_COL_DOUBLE, 0, 3 },
	{ "STATUS", "status", 16, BCT_COL_STR, 0, 0 },
	{ NULL },
};

/* x86-64's zone indexes, as BCC names them; others print as numbers. */
static const char *zone_name(int idx, char *buf, size_t sz)
{
	static const char *const names[] = { "ZONE_DMA", "ZONE_DMA32", "ZONE_NORMAL" };

	if (idx >= 0 && idx < 3)
		return names[idx];
	snprintf(buf, sz, "%d", idx);
	return buf;
}

/* enum compact_result, as BCC names the values. */
static const char *status_name(int status, char *buf, size_t sz)
{
	static const char *const names[] = { "not_suitable_zone", "skipped",   "deferred",
					     "no_suitable_page",  "continue",  "complete",
					     "partial_skipped",	  "contended", "success" };

	if (status >= 0 && status < 9)
		return names[status];
	snprintf(buf, sz, "%d", status);
	return buf;
}

static void columns(void *ctx, struct bct_out *out)
{
	(void)ctx;
	bct_out__show(out, "time", env.kit.timestamp);
}

/* -K: BCC's kernel stack under the line, "\tfunc+0x1a" a frame, then an empty line */
static void print_stack(int32_t id)
{
	uint64_t ips[127];
	char buf[256];
	int n, i;

	n = id >= 0 ? bct_stack_read(bct_prog__map_fd(env.s->prog, "stack_traces"), id, ips, 127)
		    : 0;
	for (i = 0; i < n; i++)
		printf("\t%s\n", bct_ksyms_name(env.ksyms, ips[i], true, buf, sizeof(buf)));
	printf("\n");
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	return env.kernel_stack ? bct_prog__define(p, "COMPACTSNOOP_STACK", NULL) : 0;
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct compactsnoop_event *e = data;
	static uint64_t first_ns;
	char zbuf[16], sbuf[16];
	int err;

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	if (!first_ns)
		first_ns = e->ts_ns;
	/* BCC: microseconds since the first event, divided by a million */
	bct_out__double(out, (double)((e->ts_ns - first_ns) / 1000) / 1e6);
	bct_out__strn(out, e->comm, 14);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__uint(out, e->pid);
	bct_out__int(out, e->nid);
	bct_out__str(out, zone_name(e->idx, zbuf, sizeof(zbuf)));
	bct_out__int(out, e->order);
	bct_out__str(out, e->sync ? "SYNC" : "ASYNC");
	bct_out__double(out, (double)e->delta_ns / 1e6);
	bct_out__str(out, status_name(e->status, sbuf, sizeof(sbuf)));
	err = bct_out__end(out);
	if (!err && env.kernel_stack && !env.kit.common.json)
		print_stack(e->stack_id);
	return err;
}

int cmd_compactsnoop(int argc, char **argv)
{
	struct bct_event_tool tool = {
		.cols = cols,
		.columns = columns,
		.on_event = on_event,
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.extended) {
		pr_err("-e is not available: it needs a kretprobe on fragmentation_index, and "
		       "bcctool has no kprobe method for it; run without -e");
		return 1;
	}
	if (env.kernel_stack && !env.kit.common.ebpf) {
		env.ksyms = bct_ksyms_load(NULL);
		if (!env.ksyms) {
			pr_err("cannot read the kernel symbols (/proc/kallsyms): %s",
			       strerror(errno));
			return 1;
		}
	}
	env.s = &s;
	if (bct_session__init(&s, &env.kit, &needs_compactsnoop, NULL))
		return 1;
	rc = bct_events_run(&s, &tool);
	bct_ksyms_free(env.ksyms);
	return rc;
}
