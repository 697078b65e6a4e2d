// SPDX-License-Identifier: Apache-2.0
/*
 * statsnoop: trace the stat family of syscalls (statfs, stat, lstat, fstatat, statx)
 * system-wide, one line per call.
 *
 * Interface of BCC's statsnoop by Brendan Gregg (stat variants by Rocky Xing); written anew,
 * with --exec, --cgroup and --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "statsnoop.h"

static struct statsnoop_env {
	struct bct_env kit;
	bool timestamp;
	bool failed;
	uint64_t first_ts;
	bool have_first;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('t', "timestamp", &env.timestamp, "include timestamp on output"),
	BCT_FLAG('x', "failed", &env.failed, "only show failed stats"),
	{ 0 },
};

static const char doc[] = "Trace stat() syscalls\n"
			  "\v"
			  "examples:\n"
			  "    statsnoop           # trace all stat() syscalls\n"
			  "    statsnoop -t        # include timestamps\n"
			  "    statsnoop -x        # only show failed stats\n"
			  "    statsnoop -p 181    # only trace PID 181\n"
			  "    statsnoop --exec ls /tmp   # run ls, trace only it\n"
			  "    statsnoop --json    # one JSON object per call\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.doc = doc,
	.shared = { .pid = 'p', .cgroup = true, .exec = true },
};

/* --- attach methods: every program in bpf-src/statsnoop.bpf.c ---------------------------- */

#define OTHERS(kind, sec, event)                              \
	BCT_PROGS({ #kind "_statfs", sec event(statfs) },     \
		  { #kind "_newstat", sec event(newstat) },   \
		  { #kind "_newlstat", sec event(newlstat) }, \
		  { #kind "_newfstatat", sec event(newfstatat) })
#define EXIT_TP(name) "sys_exit_" #name

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS({ "kr_statx", "kretprobe/" BCT_SYS(statx) }),
	  .optional_progs = OTHERS(kr, "kretprobe/", BCT_SYS) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS({ "tp_statx", "tracepoint/syscalls/sys_exit_statx" }),
	  .optional_progs = OTHERS(tp, "tracepoint/syscalls/", EXIT_TP) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "stat syscalls", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_statsnoop = {
	.src_name = "statsnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

static const char *const call_names[STATSNOOP_NCALLS] = {
	[STATSNOOP_STATFS] = "statfs",	   [STATSNOOP_NEWSTAT] = "newstat",
	[STATSNOOP_NEWLSTAT] = "newlstat", [STATSNOOP_NEWFSTATAT] = "newfstatat",
	[STATSNOOP_STATX] = "statx",
};

/* BCC's "%-14.9f" "%-7d %-16s %4d %3d %s"; JSON keys in this order. */
static const struct bct_col cols[] = {
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TIME(s)", "time", 13, BCT_COL_DOUBLE, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY,
	  9 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "FD", "fd", 4, BCT_COL_INT, 0, 0 },
	{ "ERR", "err", 3, BCT_COL_INT, 0, 0 },
	{ "SYSCALL", "syscall", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "PATH", "path", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bct_out__show(out, "time", env.timestamp);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct statsnoop_event *e = data;
	char path[STATSNOOP_PATH_LEN + 4];

	if (size < sizeof(*e))
		return 0;
	if (!env.have_first) {
		env.first_ts = e->ts;
		env.have_first = true;
	}
	snprintf(path, sizeof(path), "%.*s%s", (int)strnlen(e->path, sizeof(e->path)), e->path,
		 e->info & STATSNOOP_TRUNC ? "..." : "");

	bct_out__uint(out, e->ts);
	bct_out__double(out, (double)(int64_t)(e->ts - env.first_ts) / 1e9);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->tid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__int(out, e->ret >= 0 ? e->ret : -1);
	bct_out__int(out, e->ret >= 0 ? 0 : -e->ret);
	bct_out__str(out, e->call < STATSNOOP_NCALLS ? call_names[e->call] : "?");
	bct_out__str(out, path);
	return bct_out__end(out);
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.failed)
		err = bct_prog__define(p, "FILTER_FAILED", NULL);
	return err;
}

int cmd_statsnoop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_statsnoop, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
