// SPDX-License-Identifier: Apache-2.0
/*
 * exitsnoop: trace process termination (exit and fatal signals), one line per process (or per
 * thread with --per-thread), with its age and its exit code or signal.
 *
 * Interface of BCC's exitsnoop by Arturo Martin-de-Nicolas (after Brendan Gregg's execsnoop),
 * with libbpf-tools' -T for --per-thread; written anew, with --cgroup, --exec and --json.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "exitsnoop.h"

enum { K_UTC = 0x100, K_LABEL, K_PER_THREAD };

static struct exitsnoop_env {
	struct bct_env kit; /* the shared options: -p, --cgroup, --exec, --json... */
	bool timestamp;
	bool utc;
	bool failed;
	bool per_thread;
	const char *label; /* NULL: no LABEL column */
	int64_t real_off_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC, for the time column */
	char time_title[32];
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('t', "timestamp", &env.timestamp, "include timestamp (local time default)"),
	BCT_FLAG(K_UTC, "utc", &env.utc, "include timestamp in UTC (-t implied)"),
	BCT_STRING(K_LABEL, "label", "LABEL", &env.label, "label each line"),
	BCT_FLAG('x', "failed", &env.failed, "trace only fails, exclude exit(0)"),
	BCT_FLAG(K_PER_THREAD, "per-thread", &env.per_thread, "trace per thread termination"),
	BCT_FLAG('T', "threaded", &env.per_thread, "same as --per-thread (libbpf-tools' name)"),
	{ 0 },
};

static const char doc[] =
	"Trace all process termination (exit, fatal signal)\n"
	"\v"
	"examples:\n"
	"    exitsnoop                # trace all process termination\n"
	"    exitsnoop -x             # trace only fails, exclude exit(0)\n"
	"    exitsnoop -t             # include timestamps (local time)\n"
	"    exitsnoop --utc          # include timestamps (UTC)\n"
	"    exitsnoop -p 181         # only trace PID 181\n"
	"    exitsnoop --label=exit   # label each output line with 'exit'\n"
	"    exitsnoop --per-thread   # trace per thread termination\n"
	"    exitsnoop --cgroup /sys/fs/cgroup/app  # only tasks in this cgroup v2\n"
	"    exitsnoop --exec make    # run make, report how it ended\n"
	"    exitsnoop --json         # one JSON object per termination\n";

static const struct bct_tool_args args = {
	.opts = opts,
	.doc = doc,
	.shared = { .pid = 'p', .cgroup = true, .exec = true },
};

/* --- attach methods: every program in bpf-src/exitsnoop.bpf.c --------------------------- */

static const struct bct_method methods[] = {
	{ .name = "tp_btf", .progs = BCT_PROGS(BCT_PROG("btf_exit", "tp_btf/sched_process_exit")) },
	{ .name = "raw_tp", .progs = BCT_PROGS(BCT_PROG("raw_exit", "raw_tp/sched_process_exit")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_exit", "tracepoint/sched/sched_process_exit")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "process exit", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_exitsnoop = {
	.src_name = "exitsnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's columns ("%-13s" "%-6s" then "%-16s %-7d %-7d %-7d %-7.2f " and the exit text) as
 * widths joined by one space; BCC's header pads EXIT_CODE to 10, hence its trailing space.
 * The time column's title is set at start ("TIME-UTC", or TIME- and the local zone).
 */
static struct bct_col cols[] = {
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TIME", "time", 12, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY, 0 },
	{ "LABEL", "label", 5, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "PCOMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "PPID", "ppid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "AGE(s)", "age", 7, BCT_COL_DOUBLE, BCT_COL_LEFT, 2 },
	{ "EXIT_CODE ", "exit_text", 0, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "CODE", "exit_code", 0, BCT_COL_INT, BCT_COL_JSON_ONLY, 0 }, /* absent: a signal */
	{ "SIG", "signal", 0, BCT_COL_INT, BCT_COL_JSON_ONLY, 0 }, /* absent: an exit */
	{ "SIGNAME", "signal_name", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "CORE", "core_dumped", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

/* The names BCC shows (Python's signal module; USR1 and USR2, which BCC misses, added). */
static const char *signame(unsigned int sig)
{
	static const char *const names[] = {
		[1] = "HUP",	 [2] = "INT",	 [3] = "QUIT",	 [4] = "ILL",	[5] = "TRAP",
		[6] = "ABRT",	 [7] = "BUS",	 [8] = "FPE",	 [9] = "KILL",	[10] = "USR1",
		[11] = "SEGV",	 [12] = "USR2",	 [13] = "PIPE",	 [14] = "ALRM", [15] = "TERM",
		[16] = "STKFLT", [17] = "CHLD",	 [18] = "CONT",	 [19] = "STOP", [20] = "TSTP",
		[21] = "TTIN",	 [22] = "TTOU",	 [23] = "URG",	 [24] = "XCPU", [25] = "XFSZ",
		[26] = "VTALRM", [27] = "PROF",	 [28] = "WINCH", [29] = "POLL", [30] = "PWR",
		[31] = "SYS",	 [34] = "RTMIN", [64] = "RTMAX",
	};

	if (sig < sizeof(names) / sizeof(names[0]) && names[sig])
		return names[sig];
	return "unknown";
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void columns(void *ctx, struct bct_out *out)
{
	env.real_off_ns = (int64_t)(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC));
	bct_out__show(out, "label", env.label != NULL);
	if (!bct_out__json(out))
		bct_out__show(out, "time", env.timestamp);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct exitsnoop_event *e = data;
	unsigned int sig = e->exit_code & 0x7f, code = (e->exit_code >> 8) & 0xff;
	char comm[EXITSNOOP_COMM_LEN + 1], when[32], text[64];
	int rc;

	if (size < sizeof(*e))
		return 0;
	snprintf(comm, sizeof(comm), "%.*s", EXITSNOOP_COMM_LEN, e->comm);
	when[0] = '\0';
	if (env.timestamp) {
		uint64_t wall = e->ts + env.real_off_ns;
		time_t secs = (time_t)(wall / 1000000000ULL);
		struct tm tm;
		char hms[16];

		if (env.utc)
			gmtime_r(&secs, &tm);
		else
			localtime_r(&secs, &tm);
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
		snprintf(when, sizeof(when), "%s.%03u", hms,
			 (unsigned int)(wall % 1000000000ULL / 1000000));
	}
	if (!(e->exit_code & 0xff))
		snprintf(text, sizeof(text), code ? "code %u" : "0", code);
	else if (sig)
		snprintf(text, sizeof(text), "signal %u (%s)%s", sig, signame(sig),
			 e->exit_code & 0x80 ? ", core dumped " : "");
	else
		snprintf(text, sizeof(text), ", core dumped ");

	bct_out__uint(out, e->ts);
	bct_out__str(out, when);
	bct_out__str(out, env.label && *env.label ? env.label : "exit");
	bct_out__str(out, comm);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->ppid);
	bct_out__uint(out, e->tid);
	bct_out__double(out, (double)(int64_t)(e->ts - e->start_ns) / 1e9);
	bct_out__str(out, text);
	if (e->exit_code & 0xff) {
		bct_out__none(out);
		bct_out__int(out, sig);
		bct_out__str(out, signame(sig));
		bct_out__uint(out, !!(e->exit_code & 0x80));
	} else {
		bct_out__int(out, code);
		bct_out__none(out);
		bct_out__none(out);
		bct_out__none(out);
	}
	rc = bct_out__end(out);
	/* BCC's -p: the traced process has ended, so does the trace */
	if (env.kit.filter.pid && !rc)
		bct_exiting = SIGINT;
	return rc;
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.per_thread)
		err = bct_prog__define(p, "PER_THREAD", NULL);
	if (env.failed)
		err = err ?: bct_prog__define(p, "FILTER_FAILED", NULL);
	return err;
}

int cmd_exitsnoop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.utc)
		env.timestamp = true;
	if (env.utc) {
		snprintf(env.time_title, sizeof(env.time_title), "TIME-UTC");
	} else {
		time_t now = time(NULL);
		struct tm tm;
		char zone[16];

		localtime_r(&now, &tm);
		strftime(zone, sizeof(zone), "%Z", &tm);
		snprintf(env.time_title, sizeof(env.time_title), "TIME-%s", zone);
	}
	cols[1].name = env.time_title;
	if (bct_session__init(&s, &env.kit, &needs_exitsnoop, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
