// SPDX-License-Identifier: Apache-2.0
/*
 * drsnoop: trace direct reclaim (tasks reclaiming memory themselves in the page allocator),
 * one line per reclaim, with its latency and the pages reclaimed.
 *
 * Interface of BCC's drsnoop by Wenbo Zhang, with libbpf-tools' -e for -v; written anew, with
 * --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "drsnoop.h"

static struct drsnoop_env {
	struct bct_env kit; /* the shared options: -T -p -t -u -n -d, --json... */
	bool print_uid;
	bool verbose;
	bool extended;
	uint64_t first_us; /* of the first event: TIME(s) counts from it */
	bool have_first;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('U', "print-uid", &env.print_uid, "print UID column"),
	BCT_FLAG('v', "verbose", &env.verbose, "show system memory state"),
	BCT_FLAG('e', "extended", &env.extended, "same as -v (libbpf-tools' name)"),
	{ 0 },
};

static const char doc[] = "Trace direct reclaim\n"
			  "\v"
			  "examples:\n"
			  "    ./drsnoop           # trace all direct reclaim\n"
			  "    ./drsnoop -T        # include timestamps\n"
			  "    ./drsnoop -U        # include UID\n"
			  "    ./drsnoop -p 181    # only trace PID 181\n"
			  "    ./drsnoop -t 123    # only trace TID 123\n"
			  "    ./drsnoop -u 1000   # only trace UID 1000\n"
			  "    ./drsnoop -d 10     # trace for 10 seconds only\n"
			  "    ./drsnoop -n main   # only print process names containing \"main\"\n"
			  "    ./drsnoop --json    # one JSON object per direct reclaim\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = bct_no_args,
	.doc = doc,
	.shared = { .pid = 'p',
		    .tid = 't',
		    .uid = 'u',
		    .comm = 'n',
		    .timestamp = 'T',
		    .duration = 'd' },
};

static const struct bct_method methods[] = {
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(
		  BCT_PROG("dr_begin", "tracepoint/vmscan/mm_vmscan_direct_reclaim_begin"),
		  BCT_PROG("dr_end", "tracepoint/vmscan/mm_vmscan_direct_reclaim_end")) },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "direct reclaim begin and end", methods, false },
					 { NULL } };

const struct bct_needs needs_drsnoop = {
	.src_name = "drsnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/*
 * BCC's "%-14.9f" (TIME(s)) and "%-6d" (UID) with no space after them, then
 * "%-14.14s %-6s %8.2f %5d" and "%10d" (FREE(KB)) with no space before it.
 */
static struct bct_col cols[] = {
	{ "TIME(s)", "time", 14, BCT_COL_DOUBLE,
	  BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY | BCT_COL_GLUE, 9 },
	{ "TS", "ts_us", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "UID", "uid_text", 6, BCT_COL_UINT,
	  BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY | BCT_COL_GLUE, 0 },
	{ "COMM", "comm", 14, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "id_text", 6, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "PID", "pid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TID", "tid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "UID", "uid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "LAT(ms)", "lat_ms", 8, BCT_COL_DOUBLE, 0, 2 },
	{ "PAGES", "pages", 5, BCT_COL_UINT, BCT_COL_GLUE, 0 },
	{ "FREE(KB)", "free_kb", 10, BCT_COL_UINT, BCT_COL_HIDDEN, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "free_kb", env.verbose);
	if (bct_out__json(out))
		return;
	bct_out__show(out, "time", env.kit.timestamp);
	bct_out__show(out, "uid_text", env.print_uid);
}

/* Free memory now, in KiB: /proc/vmstat's nr_free_pages (0 when unreadable). */
static uint64_t free_kb(void)
{
	static long page_kb;
	unsigned long long v = 0;
	char line[128];
	FILE *f;

	if (!page_kb)
		page_kb = sysconf(_SC_PAGESIZE) / 1024;
	f = fopen("/proc/vmstat", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "nr_free_pages %llu", &v) == 1)
			break;
	fclose(f);
	return v * (uint64_t)page_kb;
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct drsnoop_event *e = data;

	if (size < sizeof(*e))
		return 0;
	if (!env.have_first) {
		env.first_us = e->ts_us;
		env.have_first = true;
	}
	bct_out__double(out, (double)(e->ts_us - env.first_us) / 1e6);
	bct_out__uint(out, e->ts_us);
	bct_out__uint(out, e->uid);
	bct_out__strn(out, e->comm, 14); /* BCC's %-14.14s */
	bct_out__uint(out, env.kit.filter.tid ? e->tid : e->pid);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->tid);
	bct_out__uint(out, e->uid);
	bct_out__double(out, (double)e->delta_ns / 1e6);
	bct_out__uint(out, e->nr_reclaimed);
	bct_out__uint(out, env.verbose ? free_kb() : 0);
	return bct_out__end(out);
}

int cmd_drsnoop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { 0 };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.extended)
		env.verbose = true;
	if (env.kit.filter.tid)
		cols[4].name = "TID"; /* BCC's header names the ID column after -t */
	if (bct_session__init(&s, &env.kit, &needs_drsnoop, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
