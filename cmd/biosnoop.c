// SPDX-License-Identifier: Apache-2.0
/*
 * biosnoop: trace block device I/O, one line per completed request, with the process that
 * created it and its latency.
 *
 * Interface of BCC's biosnoop by Brendan Gregg (disk filter and I/O pattern by Rocky Xing);
 * written anew, with --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "cmd.h"
#include "disk.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "biosnoop.h"

static struct biosnoop_env {
	struct bct_env kit; /* the shared options: --json, --ebpf, --debug... */
	bool queue;
	bool pattern;
	uint64_t first_us; /* of the first event: TIME(s) counts from it */
	bool have_first;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('Q', "queue", &env.queue, "include OS queued time"),
	BCT_FLAG('P', "pattern", &env.pattern, "display block I/O pattern (sequential or random)"),
	{ 0 },
};

static const char doc[] = "Trace block I/O\n"
			  "\v"
			  "examples:\n"
			  "    ./biosnoop           # trace all block I/O\n"
			  "    ./biosnoop -Q        # include OS queued time\n"
			  "    ./biosnoop -d sdc    # trace sdc only\n"
			  "    ./biosnoop -P        # display block I/O pattern\n"
			  "    ./biosnoop --json    # one JSON object per I/O\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.doc = doc,
	.shared = { .disk = 'd' },
};

/* --- attach methods: every program in bpf-src/biosnoop.bpf.c ------------------------------ */

#define ISSUE_KP BCT_PROG("bs_issue_kp", "kprobe/blk_mq_start_request")
#define START_KP BCT_PROG("bs_start_kp", "kprobe/blk_account_io_start")
#define START_KP2 BCT_PROG("bs_start_kp2", "kprobe/__blk_account_io_start")
#define DONE_KP BCT_PROG("bs_done_kp", "kprobe/blk_account_io_done")
#define DONE_KP2 BCT_PROG("bs_done_kp2", "kprobe/__blk_account_io_done")

/* One hook, so that the three programs always come from the same method and share keys. */
static const struct bct_method methods[] = {
	{ .name = "kprobe", .progs = BCT_PROGS(START_KP2, ISSUE_KP, DONE_KP2) },
	{ .name = "kprobe", .progs = BCT_PROGS(START_KP, ISSUE_KP, DONE_KP2) },
	{ .name = "kprobe", .progs = BCT_PROGS(START_KP2, ISSUE_KP, DONE_KP) },
	{ .name = "kprobe", .progs = BCT_PROGS(START_KP, ISSUE_KP, DONE_KP) },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("bs_start_btf", "tp_btf/block_io_start"),
			     BCT_PROG("bs_issue_btf", "tp_btf/block_rq_issue"),
			     BCT_PROG("bs_done_btf", "tp_btf/block_rq_complete")) },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("bs_start_raw", "raw_tp/block_io_start"),
			     BCT_PROG("bs_issue_raw", "raw_tp/block_rq_issue"),
			     BCT_PROG("bs_done_raw", "raw_tp/block_rq_complete")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("bs_start_tp", "tracepoint/block/block_io_start"),
			     BCT_PROG("bs_issue_tp", "tracepoint/block/block_rq_issue"),
			     BCT_PROG("bs_done_tp", "tracepoint/block/block_rq_complete")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "block I/O start, issue and completion", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_biosnoop = {
	.src_name = "biosnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's "%-11.6f %-14.14s %-7s %-9s %-1s %-10s %-7s" then "%-1s " (-P), "%7.2f " (-Q) and
 * "%7.2f": BYTES is followed by the next column without a space.
 */
static const struct bct_col cols[] = {
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TIME(s)", "time", 11, BCT_COL_DOUBLE, BCT_COL_LEFT, 6 },
	{ "COMM", "comm", 14, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "DISK", "disk", 9, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "T", "rw", 1, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "SECTOR", "sector", 10, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "BYTES", "bytes", 7, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_GLUE, 0 },
	{ "P", "pattern", 1, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "QUE(ms)", "que_ms", 7, BCT_COL_DOUBLE, BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY, 2 },
	{ "QUE", "que_ns", 0, BCT_COL_UINT, BCT_COL_HIDDEN, 0 },
	{ "LAT(ms)", "lat_ms", 7, BCT_COL_DOUBLE, BCT_COL_TEXT_ONLY, 2 },
	{ "LAT", "lat_ns", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "pattern", env.pattern);
	bct_out__show(out, "que_ms", env.queue);
	bct_out__show(out, "que_ns", env.queue && bct_out__json(out));
}

/* Disk names by dev_t: sysfs is read once per disk, not per event. */
static struct {
	uint32_t dev;
	char name[32];
} disks[16];
static size_t ndisks, next_disk;

static const char *disk_name(uint32_t dev)
{
	size_t i;

	for (i = 0; i < ndisks; i++)
		if (disks[i].dev == dev)
			return disks[i].name;
	i = ndisks < sizeof(disks) / sizeof(disks[0]) ? ndisks++ : next_disk++ % ndisks;
	disks[i].dev = dev;
	bct_disk_name(dev, disks[i].name, sizeof(disks[i].name));
	return disks[i].name;
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct biosnoop_event *e = data;
	uint64_t us = e->ts / 1000;
	const char *pattern = "?";

	if (size < sizeof(*e))
		return 0;
	if (!env.have_first) {
		env.first_us = us;
		env.have_first = true;
	}
	if (e->pattern == BIOSNOOP_SEQUENTIAL)
		pattern = "S";
	else if (e->pattern == BIOSNOOP_RANDOM)
		pattern = "R";

	bct_out__uint(out, e->ts);
	/* in µs as BCC keeps it; signed: rings may deliver a slightly earlier event later */
	bct_out__double(out, (double)(int64_t)(us - env.first_us) / 1e6);
	/* BCC's "%-14.14s": the text cuts the name, JSON keeps all of it */
	bct_out__strn(out, e->comm, bct_out__json(out) ? sizeof(e->comm) : 14);
	bct_out__uint(out, e->pid);
	bct_out__str(out, disk_name(e->dev));
	bct_out__str(out, e->write ? "W" : "R");
	bct_out__uint(out, e->sector);
	bct_out__uint(out, e->len);
	bct_out__str(out, pattern);
	bct_out__double(out, (double)e->qdelta / 1e6);
	bct_out__uint(out, e->qdelta);
	bct_out__double(out, (double)e->delta / 1e6);
	bct_out__uint(out, e->delta);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.pattern)
		err = err ?: bct_prog__define(p, "BIOSNOOP_PATTERN", NULL);
	return err;
}

int cmd_biosnoop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_biosnoop, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
