// SPDX-License-Identifier: Apache-2.0
/*
 * fsdist: summarize the latency of file system operations (read, write, open, fsync) as
 * histograms per operation, per interval. One implementation for libbpf-tools' fsdist -t FS
 * and BCC's per-fs names (ext4dist, xfsdist, btrfsdist, nfsdist, zfsdist), which take BCC's
 * options; the name the command was called by picks the file system.
 *
 * Interface of BCC's ext4dist and siblings by Brendan Gregg, and of libbpf-tools' fsdist by
 * Wenbo Zhang; written anew, with --json as strict JSON.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "fs_presets.h"
#include "histtool.h"
#include "log.h"
#include "prog.h"
#include "fsops.h"

static struct fsdist_env {
	struct bct_env kit; /* the shared options: -p, [interval [count]], --json... */
	bool milliseconds;
	bool notimestamp; /* BCC's -T */
	const struct fsops_fs *fs;
} env;

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

/* libbpf-tools' fsdist: -t FS, -T adds the time stamp */
static const struct bct_opt fsdist_opts[] = {
	BCT_CUSTOM('t', "type", "FS",
		   "which file system to trace: btrfs, ext4, nfs, xfs (or f2fs, zfs)"),
	BCT_FLAG('m', "milliseconds", &env.milliseconds, "millisecond histogram"),
	{ 0 },
};

static const char fsdist_doc[] =
	"Summarize file system operations latency.\n"
	"\v"
	"examples:\n"
	"    fsdist -t ext4             # show ext4 operations latency as a histogram\n"
	"    fsdist -t nfs -p 1216      # trace nfs operations with PID 1216 only\n"
	"    fsdist -t xfs 1 10         # trace xfs operations, 1s summaries, 10 times\n"
	"    fsdist -t btrfs -m 5       # trace btrfs operation, 5s summaries, in ms\n"
	"    fsdist -t ext4 --json 1    # one JSON object per operation's histogram each second\n";

static const struct bct_tool_args fsdist_args = {
	.opts = fsdist_opts,
	.parser = parse_arg,
	.args_doc = "[interval] [count]",
	.doc = fsdist_doc,
	.shared = { .pid = 'p', .timestamp = 'T', .interval = true },
};

/* BCC's ext4dist and siblings: -T leaves the time stamp out */
static const struct bct_opt bcc_opts[] = {
	BCT_FLAG('T', "notimestamp", &env.notimestamp,
		 "don't include timestamp on interval output"),
	BCT_FLAG('m', "milliseconds", &env.milliseconds, "output in milliseconds"),
	{ 0 },
};

static char bcc_doc[1024];

static const struct bct_tool_args bcc_args = {
	.opts = bcc_opts,
	.args_doc = "[interval] [count]",
	.doc = bcc_doc,
	.shared = { .pid = 'p', .interval = true },
};

const struct bct_needs needs_fsdist = {
	.src_name = "fsops.bpf.c",
	.variants = (const struct bct_variant[]){ { "-t ext4", ext4_hooks },
						  { "-t xfs", xfs_hooks },
						  { "-t btrfs", btrfs_hooks },
						  { "-t nfs", nfs_hooks },
						  { "-t zfs", zfs_hooks },
						  { "-t f2fs", f2fs_hooks },
						  { NULL } },
};

static const char *const op_names[] = { "read", "write", "open", "fsync" };

static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	const struct fsops_key *k = key;

	snprintf(buf, sz, "%s", k->op < FSOPS_NOPS ? op_names[k->op] : "?");
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = fsops_defines(p, env.fs);

	if (env.milliseconds)
		err = err ?: bct_prog__define(p, "FACTOR", "1000000");
	return err;
}

int cmd_fsdist(int argc, char **argv)
{
	const char *self = fsops_self(argv[0]);
	struct bct_hist_tool tool = {
		.unit = "usecs",
		.section = "operation",
		.key_name = key_name,
		.sort_by_name = true,
		.missed_what = "operations",
	};
	struct bct_session s = { .add_defines = add_defines };
	char banner[128];
	bool bcc = strcmp(self, "fsdist") != 0;
	size_t n = strlen(self);
	int rc;

	if (bcc) {
		/* ext4dist, xfsdist...: the file system is the name without "dist" */
		env.fs = n > 4 ? fsops_find(self, n - 4) : NULL;
		if (!env.fs)
			env.fs = &fsops_fss[0];
		snprintf(bcc_doc, sizeof(bcc_doc),
			 "Summarize %s operation latency\n"
			 "\v"
			 "examples:\n"
			 "    ./%s            # show operation latency as a histogram\n"
			 "    ./%s -p 181     # trace PID 181 only\n"
			 "    ./%s 1 10       # print 1 second summaries, 10 times\n"
			 "    ./%s -m 5       # 5s summaries, milliseconds\n",
			 env.fs->title, self, self, self, self);
	}
	rc = bct_tool_parse(bcc ? &bcc_args : &fsdist_args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bcc) {
		/* BCC's "%H:%M:%S:" line before each interval's histograms, unless -T */
		env.kit.timestamp = env.kit.interval && !env.notimestamp;
		tool.time_fmt = "%H:%M:%S:";
	}
	if (env.milliseconds)
		tool.unit = "msecs";
	snprintf(banner, sizeof(banner), "Tracing %s operation latency... Hit Ctrl-C to end.",
		 bcc ? env.fs->title : env.fs->name);
	tool.banner = banner;
	if (!env.kit.common.ebpf && !fsops_registered(env.fs))
		return fsops_not_registered(env.fs);
	if (bct_session__init(&s, &env.kit, &needs_fsdist, env.fs->hooks))
		return 1;
	return bct_hist_run(&s, &tool);
}
