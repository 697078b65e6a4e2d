// SPDX-License-Identifier: Apache-2.0
/*
 * syncsnoop: trace the sync system calls, one line per call.
 *
 * Interface of BCC's syncsnoop by Brendan Gregg (perf output by Allan McAleavy); written anew.
 * BCC traces sync(2) only; this traces every call that flushes data to storage, each named in
 * the CALL column, and offers -p, -n, -d, --exec, --cgroup and --json.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "syncsnoop.h"

static struct syncsnoop_env {
	struct bct_env kit; /* the shared options: -p, -n, -d, --cgroup, --exec, --json... */
} env;

static const char doc[] = "Trace sync() syscalls\n"
			  "\v"
			  "examples:\n"
			  "    syncsnoop                 # trace sync(), fsync() and the like\n"
			  "    syncsnoop -p 181          # only trace PID 181\n"
			  "    syncsnoop -n postgres     # only commands containing \"postgres\"\n"
			  "    syncsnoop -d 10           # trace for 10 seconds only\n"
			  "    syncsnoop --exec ./db-test  # run db-test, trace only it\n"
			  "    syncsnoop --json          # one JSON object per call\n";

static const struct bct_tool_args args = {
	.parser = bct_no_args,
	.doc = doc,
	.shared = { .pid = 'p', .comm = 'n', .duration = 'd', .cgroup = true, .exec = true },
};

/* --- attach methods: every program in bpf-src/syncsnoop.bpf.c --------------------------- */

#define OPTIONAL(kind, sec, event)                                                  \
	BCT_PROGS(BCT_PROG(#kind "_fsync", sec event(fsync)),                       \
		  BCT_PROG(#kind "_fdatasync", sec event(fdatasync)),               \
		  BCT_PROG(#kind "_msync", sec event(msync)),                       \
		  BCT_PROG(#kind "_sync_file_range", sec event(sync_file_range)),   \
		  BCT_PROG(#kind "_sync_file_range2", sec event(sync_file_range2)), \
		  BCT_PROG(#kind "_syncfs", sec event(syncfs)))
#define ENTER_TP(name) "sys_enter_" #name

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_sync", "kprobe/" BCT_SYS(sync))),
	  .optional_progs = OPTIONAL(kp, "kprobe/", BCT_SYS) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_sync", "tracepoint/syscalls/sys_enter_sync")),
	  .optional_progs = OPTIONAL(tp, "tracepoint/syscalls/", ENTER_TP) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "sync syscalls", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_syncsnoop = {
	.src_name = "syncsnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

static const char *const call_names[SYNCSNOOP_NCALLS] = {
	[SYNCSNOOP_SYNC] = "sync",
	[SYNCSNOOP_FSYNC] = "fsync",
	[SYNCSNOOP_FDATASYNC] = "fdatasync",
	[SYNCSNOOP_MSYNC] = "msync",
	[SYNCSNOOP_SYNC_FILE_RANGE] = "sync_file_range",
	[SYNCSNOOP_SYNC_FILE_RANGE2] = "sync_file_range2",
	[SYNCSNOOP_SYNCFS] = "syncfs",
};

/* BCC's "%-18.9f sync()"; JSON adds who called. */
static const struct bct_col cols[] = {
	{ "TIME(s)", "time", 18, BCT_COL_DOUBLE, BCT_COL_LEFT, 9 },
	{ "CALL", "call_text", 0, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "CALL", "call", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "PID", "pid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "COMM", "comm", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct syncsnoop_event *e = data;
	const char *name;
	char text[32];

	if (size < sizeof(*e))
		return 0;
	name = e->call < SYNCSNOOP_NCALLS ? call_names[e->call] : "?";
	snprintf(text, sizeof(text), "%s()", name);
	/* BCC: microseconds since boot, shown in seconds */
	bct_out__double(out, (double)(e->ts / 1000) / 1e6);
	bct_out__str(out, text);
	bct_out__str(out, name);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

int cmd_syncsnoop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { 0 };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_syncsnoop, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
