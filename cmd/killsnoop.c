// SPDX-License-Identifier: Apache-2.0
/*
 * killsnoop: trace signals sent by kill(2), one line per call.
 *
 * Interface of BCC's killsnoop by Brendan Gregg (perf output by Allan McAleavy); written anew,
 * with the -x, -T and -s filters in the kernel, --exec, --cgroup and --json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "signames.h"
#include "killsnoop.h"

static struct killsnoop_env {
	struct bct_env kit; /* the shared options: -p, --cgroup, --exec, --json... */
	bool failed;
	bool has_tpid;
	long tpid;
	int sig; /* -1: any */
} env = { .sig = -1 };

static const struct bct_opt opts[] = {
	BCT_FLAG('x', "failed", &env.failed, "only show failed kill syscalls"),
	BCT_CUSTOM('T', "tpid", "TPID",
		   "trace this target PID only which is the receiver of signal"),
	BCT_CUSTOM('s', "signal", "SIGNAL", "trace this signal only (a number or a name)"),
	{ 0 },
};

static const char doc[] = "Trace signals issued by the kill() syscall\n"
			  "\v"
			  "examples:\n"
			  "    killsnoop           # trace all kill() signals\n"
			  "    killsnoop -x        # only show failed kills\n"
			  "    killsnoop -p 181    # only trace PID 181\n"
			  "    killsnoop -T 189    # only trace target PID 189\n"
			  "    killsnoop -s 9      # only trace signal 9\n"
			  "    killsnoop -s TERM   # only trace SIGTERM\n"
			  "    killsnoop --exec ./stop.sh   # run stop.sh, trace only it\n"
			  "    killsnoop --json    # one JSON object per kill()\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 'T':
		errno = 0;
		env.tpid = strtol(arg, &end, 10);
		if (!*arg || *end || errno || env.tpid < INT32_MIN || env.tpid > INT32_MAX)
			argp_error(state, "invalid TPID: '%s'", arg);
		env.has_tpid = true;
		break;
	case 's':
		env.sig = bct_sig_parse(arg);
		if (env.sig < 0)
			argp_error(state, "invalid signal: '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.doc = doc,
	.shared = { .pid = 'p', .cgroup = true, .exec = true },
};

/* --- attach methods: every program in bpf-src/killsnoop.bpf.c --------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe", .progs = BCT_PROGS(BCT_PROG("kr_kill", "kretprobe/" BCT_SYS(kill))) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_kill", "tracepoint/syscalls/sys_exit_kill")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "kill syscall", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_killsnoop = {
	.src_name = "killsnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's "%-9s %-*d %-16s %-4d %-*d %d": the PID and TPID columns are as wide as pid_max's
 * digits plus one (set in cmd_killsnoop()).
 */
static struct bct_col cols[] = {
	{ "TIME", "time", 9, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "SIG", "sig", 4, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "TPID", "tpid", 6, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "RESULT", "result", 0, BCT_COL_INT, 0, 0 },
	{ "ERROR", "error", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 }, /* absent on success */
	{ NULL },
};

/* BCC's width of a PID column: the digits of /proc/sys/kernel/pid_max, plus one. */
static int pid_width(void)
{
	char buf[32];
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	return n ? (int)n + 1 : 6;
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct killsnoop_event *e = data;
	const char *err;
	char ts[16];
	time_t now;

	if (size < sizeof(*e))
		return 0;
	now = time(NULL);
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	bct_out__str(out, ts);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__int(out, e->sig);
	bct_out__int(out, e->tpid);
	bct_out__int(out, e->ret);
	err = e->ret < 0 ? bct_errname(e->ret) : NULL;
	if (err)
		bct_out__str(out, err);
	else
		bct_out__none(out);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.failed)
		err = bct_prog__define(p, "FILTER_FAILED", NULL);
	if (env.has_tpid)
		err = err ?: bct_prog__define(p, "FILTER_TPID", "%ld", env.tpid);
	if (env.sig >= 0)
		err = err ?: bct_prog__define(p, "FILTER_SIG", "%d", env.sig);
	return err;
}

int cmd_killsnoop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc, w;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	w = pid_width();
	cols[1].width = w;
	cols[4].width = w;
	if (bct_session__init(&s, &env.kit, &needs_killsnoop, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
