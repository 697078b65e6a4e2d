// SPDX-License-Identifier: Apache-2.0
/*
 * bashreadline: print the command lines typed into bash shells, system-wide.
 *
 * Interface of BCC's bashreadline by Brendan Gregg (perf output by Allan McAleavy); written
 * anew: a return probe on readline() in /bin/bash, or in the library -s names, attached by
 * symbol (lib/uprobe.h). --json adds the UID.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "uprobe.h"
#include "bashreadline.h"

/* BCC's -s without a path; where it is missing, the "readline" library the linker knows. */
#define SHARED_DEFAULT "/lib/libreadline.so"

static struct bashreadline_env {
	struct bct_env kit; /* --json, --ebpf, --debug */
	const char *shared;
} env;

static const struct bct_opt opts[] = {
	BCT_STRING('s', "shared", "SHARED", &env.shared,
		   "specify the location of libreadline.so library. Default is "
		   "/lib/libreadline.so"),
	{ 0 },
};

static const char doc[] = "Print entered bash commands from all running shells\n"
			  "\v"
			  "examples:\n"
			  "    bashreadline              # commands typed into /bin/bash\n"
			  "    bashreadline -s /lib/x86_64-linux-gnu/libreadline.so.8\n"
			  "                              # bash linked with libreadline\n"
			  "    bashreadline --json       # one JSON object per command\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = bct_no_args,
	.doc = doc,
};

/* --- attach methods: every program in bpf-src/bashreadline.bpf.c ------------------------ */

static const struct bct_method methods[] = {
	{ .name = "uprobe", .progs = BCT_PROGS(BCT_PROG("readline_ret", "uretprobe")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "readline() return", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_bashreadline = {
	.src_name = "bashreadline.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/* BCC's "%-9s %-7d %s" */
static const struct bct_col cols[] = {
	{ "TIME", "time", 9, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "UID", "uid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "COMMAND", "command", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct bashreadline_event *e = data;
	char hms[16];
	struct tm tm;
	time_t now;

	if (size < sizeof(*e))
		return 0;
	now = time(NULL);
	strftime(hms, sizeof(hms), "%H:%M:%S", localtime_r(&now, &tm));
	bct_out__str(out, hms);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->uid);
	bct_out__strn(out, e->line, sizeof(e->line));
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int after_load(struct bct_prog *p, void *ctx)
{
	struct bct_uprobe u = {
		.prog = "readline_ret", .lib = "/bin/bash", .sym = "readline", .ret = true
	};

	if (env.shared)
		u.lib = strcmp(env.shared, SHARED_DEFAULT) || !access(SHARED_DEFAULT, R_OK)
				? env.shared
				: "readline";
	return bct_uprobe_attach(p, &u);
}

/*
 * BCC's -s takes its path optionally (argparse nargs='?'): "-s" or "--shared" last, or before
 * another option, means SHARED_DEFAULT.
 */
static void shared_default(int argc, char **argv)
{
	static char arg[] = "--shared=" SHARED_DEFAULT;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return;
		if ((!strcmp(argv[i], "-s") || !strcmp(argv[i], "--shared")) &&
		    (i + 1 == argc || argv[i + 1][0] == '-'))
			argv[i] = arg;
	}
}

int cmd_bashreadline(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { .after_load = after_load };
	int rc;

	shared_default(argc, argv);
	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_bashreadline, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
