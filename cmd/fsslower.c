// SPDX-License-Identifier: Apache-2.0
/*
 * fsslower: trace file system reads, writes, opens and fsyncs slower than a threshold, one
 * line per operation. One implementation for libbpf-tools' fsslower -t FS and BCC's per-fs
 * names (ext4slower, xfsslower, btrfsslower, nfsslower, zfsslower, f2fsslower), which take
 * BCC's options; the name the command was called by picks the file system.
 *
 * Interface of BCC's ext4slower and siblings by Brendan Gregg, and of libbpf-tools' fsslower
 * by Wenbo Zhang; written anew, with --json.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "fs_presets.h"
#include "log.h"
#include "prog.h"
#include "fsops.h"

static struct fsslower_env {
	struct bct_env kit; /* the shared options: -p, -d, --json... */
	bool csv;
	bool bcc; /* called by a BCC name: BCC's options and columns */
	long min_ms;
	int npos;
	const struct fsops_fs *fs;
} env = { .min_ms = 10 };

static long parse_ms(struct argp_state *state, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (!*arg || *end || errno || v < 0 || v > 1000000000L)
		argp_error(state, "invalid latency (in ms): '%s'", arg);
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 't':
		env.fs = fsops_find(arg, strlen(arg));
		if (!env.fs)
			argp_error(
				state,
				"invalid file system type: '%s' (btrfs, ext4, f2fs, nfs, xfs, zfs)",
				arg);
		break;
	case 'm':
		env.min_ms = parse_ms(state, arg);
		break;
	case ARGP_KEY_ARG:
		if (!env.bcc || env.npos++)
			return bct_no_args(key, arg, state);
		env.min_ms = parse_ms(state, arg);
		break;
	case ARGP_KEY_END:
		if (!env.fs && env.kit.common.ebpf)
			env.fs = &fsops_fss[0]; /* --ebpf alone: the program as for ext4 */
		if (!env.fs)
			argp_error(state, "filesystem must be specified using -t option.");
		return ARGP_ERR_UNKNOWN;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* libbpf-tools' fsslower: -t FS, -m MIN, -c */
static const struct bct_opt fsslower_opts[] = {
	BCT_CUSTOM('t', "type", "FS",
		   "which file system to trace: btrfs, ext4, nfs, xfs (or f2fs, zfs)"),
	BCT_CUSTOM('m', "min", "MIN", "min latency to trace, in ms (default 10)"),
	BCT_FLAG('c', "csv", &env.csv, "output as csv"),
	{ 0 },
};

static const char fsslower_doc[] =
	"Trace file system operations slower than a threshold.\n"
	"\v"
	"examples:\n"
	"    fsslower -t ext4             # trace ext4 operations slower than 10 ms\n"
	"    fsslower -t nfs -p 1216      # trace nfs operations with PID 1216 only\n"
	"    fsslower -t xfs -c -d 1      # trace xfs operations for 1s with csv output\n"
	"    fsslower -t ext4 -m 0 --json # every ext4 operation, one JSON object each\n";

static const struct bct_tool_args fsslower_args = {
	.opts = fsslower_opts,
	.parser = parse_arg,
	.doc = fsslower_doc,
	.shared = { .pid = 'p', .duration = 'd' },
};

/* BCC's ext4slower and siblings: -j, [min_ms]; btrfsslower also -d */
static const struct bct_opt bcc_opts[] = {
	BCT_FLAG('j', "csv", &env.csv, "just print fields: comma-separated values"),
	{ 0 },
};

static char bcc_doc[1024];

static struct bct_tool_args bcc_args = {
	.opts = bcc_opts,
	.parser = parse_arg,
	.args_doc = "[min_ms]",
	.doc = bcc_doc,
	.shared = { .pid = 'p' },
};

const struct bct_needs needs_fsslower = {
	.src_name = "fsops.bpf.c",
	.variants = (const struct bct_variant[]){ { "-t ext4", ext4_hooks },
						  { "-t xfs", xfs_hooks },
						  { "-t btrfs", btrfs_hooks },
						  { "-t nfs", nfs_hooks },
						  { "-t zfs", zfs_hooks },
						  { "-t f2fs", f2fs_hooks },
						  { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/* BCC's "%-8s %-14.14s %-6s %1s %-7s %-8d %7.2f %s" (libbpf-tools: COMM 16, PID 7) */
static struct bct_col cols[] = {
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 14, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "T", "type", 1, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "BYTES", "bytes", 7, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "OFF_KB", "off_kb", 8, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "OFFSET", "offset", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "LAT(ms)", "lat_ms", 7, BCT_COL_DOUBLE, BCT_COL_TEXT_ONLY, 2 },
	{ "LAT_US", "lat_us", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "FILENAME", "file", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

/* -j (BCC) and -c (libbpf-tools): "%d,%s,%d,%s,%d,%d,%d,%s" under its own header */
static struct bct_col csv_cols[] = {
	{ "ENDTIME_us", "endtime_us", 0, BCT_COL_UINT, 0, 0 },
	{ "TASK", "task", 0, BCT_COL_STR, 0, 0 },
	{ "PID", "pid", 0, BCT_COL_UINT, 0, 0 },
	{ "TYPE", "type", 0, BCT_COL_STR, 0, 0 },
	{ "BYTES", "bytes", 0, BCT_COL_INT, 0, 0 },
	{ "OFFSET_b", "offset_b", 0, BCT_COL_UINT, 0, 0 },
	{ "LATENCY_us", "latency_us", 0, BCT_COL_UINT, 0, 0 },
	{ "FILE", "file", 0, BCT_COL_STR, 0, 0 },
	{ NULL },
};

static const char op_letters[] = "RWOS";

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct fsops_event *e = data;
	char ts[16], type[2] = { '?', 0 };
	time_t now;

	if (size < sizeof(*e))
		return 0;
	if (e->op < FSOPS_NOPS)
		type[0] = op_letters[e->op];
	if (env.csv && !env.kit.common.json) {
		/* libbpf-tools' fsslower prints its end time in ns */
		bct_out__uint(out, env.bcc ? e->ts_us : e->ts_us * 1000);
		bct_out__strn(out, e->comm, sizeof(e->comm));
		bct_out__uint(out, e->pid);
		bct_out__str(out, type);
		bct_out__int(out, e->size);
		bct_out__uint(out, e->offset);
		bct_out__uint(out, e->delta_us);
		bct_out__strn(out, e->file, sizeof(e->file));
		return bct_out__end(out);
	}
	now = time(NULL);
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	bct_out__str(out, ts);
	bct_out__strn(out, e->comm, env.bcc ? 14 : sizeof(e->comm));
	bct_out__uint(out, e->pid);
	bct_out__str(out, type);
	bct_out__int(out, e->size);
	bct_out__uint(out, e->offset / 1024);
	bct_out__uint(out, e->offset);
	bct_out__double(out, (double)e->delta_us / 1000);
	bct_out__uint(out, e->delta_us);
	bct_out__strn(out, e->file, sizeof(e->file));
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = fsops_defines(p, env.fs);

	err = err ?: bct_prog__define(p, "FSOPS_SLOWER", NULL);
	if (env.min_ms)
		err = err ?: bct_prog__define(p, "MIN_US", "%ldULL", env.min_ms * 1000);
	return err;
}

static void bcc_setup(const char *self)
{
	size_t n = strlen(self);

	/* ext4slower, xfsslower...: the file system is the name without "slower" */
	env.fs = n > 6 ? fsops_find(self, n - 6) : NULL;
	if (!env.fs)
		env.fs = &fsops_fss[0];
	snprintf(bcc_doc, sizeof(bcc_doc),
		 "Trace common %s file operations slower than a threshold\n"
		 "\v"
		 "examples:\n"
		 "    ./%s             # trace operations slower than 10 ms (default)\n"
		 "    ./%s 1           # trace operations slower than 1 ms\n"
		 "    ./%s -j 1        # ... 1 ms, parsable output (csv)\n"
		 "    ./%s 0           # trace all operations (warning: verbose)\n"
		 "    ./%s -p 185      # trace PID 185 only\n",
		 env.fs->title, self, self, self, self, self);
	if (!strcmp(env.fs->name, "btrfs")) {
		/* BCC's btrfsslower: -d DURATION, and a 7-wide PID column */
		bcc_args.shared.duration = 'd';
		cols[2].width = 7;
	}
}

int cmd_fsslower(int argc, char **argv)
{
	const char *self = fsops_self(argv[0]);
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	char banner[160];
	const char *title;
	int rc;

	env.bcc = strcmp(self, "fsslower") != 0;
	if (env.bcc)
		bcc_setup(self);
	rc = bct_tool_parse(env.bcc ? &bcc_args : &fsslower_args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.bcc) {
		cols[1].width = 16;
		cols[2].width = 7;
		csv_cols[0].name = "ENDTIME_ns";
		csv_cols[0].key = "endtime_ns";
	}
	title = env.bcc ? env.fs->title : env.fs->name;
	if (env.bcc && !strcmp(env.fs->name, "nfs")) {
		if (env.min_ms)
			snprintf(
				banner, sizeof(banner),
				"Tracing NFS operations that are slower than %ld ms... Ctrl-C to quit",
				env.min_ms);
		else
			snprintf(banner, sizeof(banner),
				 "Tracing NFS operations... Ctrl-C to quit");
	} else if (env.min_ms) {
		snprintf(banner, sizeof(banner), "Tracing %s operations slower than %ld ms", title,
			 env.min_ms);
	} else {
		snprintf(banner, sizeof(banner), "Tracing %s operations", title);
	}
	if (!env.bcc && env.kit.duration_ms)
		snprintf(banner + strlen(banner), sizeof(banner) - strlen(banner),
			 " for %llu secs.", (unsigned long long)env.kit.duration_ms / 1000);
	if (env.csv && !env.kit.common.json)
		tool.cols = csv_cols, tool.sep = ",";
	else
		tool.banner = banner;
	if (!env.kit.common.ebpf && !fsops_registered(env.fs))
		return fsops_not_registered(env.fs);
	if (bct_session__init(&s, &env.kit, &needs_fsslower, env.fs->hooks))
		return 1;
	return bct_events_run(&s, &tool);
}
