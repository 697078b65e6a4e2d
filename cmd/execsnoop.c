// SPDX-License-Identifier: Apache-2.0
/*
 * execsnoop: trace new processes via exec() syscalls, one line per execve(2)/execveat(2).
 *
 * Interface of BCC's execsnoop by Brendan Gregg (PPID filter by Rocky Xing); written anew,
 * with execveat(2), --cgroup, --json, and "..." only when arguments were really left out.
 */
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "execsnoop.h"

enum { K_MAX_ARGS = 0x100 };

static struct execsnoop_env {
	struct bct_env kit; /* the shared options: filters, --json... */
	bool time; /* -T */
	bool timestamp; /* -t */
	bool fails;
	bool quote;
	bool print_uid;
	const char *name;
	const char *line;
	regex_t name_re;
	regex_t line_re;
	pid_t ppid;
	uint64_t max_args;
	uint64_t start_ns; /* CLOCK_MONOTONIC when tracing began: TIME(s) counts from it */
	int64_t real_off_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC, for TIME */
} env = { .max_args = EXECSNOOP_MAX_ARGS_DEFAULT };

static const struct bct_opt opts[] = {
	BCT_FLAG('T', "time", &env.time, "include time column on output (HH:MM:SS)"),
	BCT_FLAG('t', "timestamp", &env.timestamp, "include timestamp on output"),
	BCT_FLAG('x', "fails", &env.fails, "include failed exec()s"),
	BCT_CUSTOM('u', "uid", "USER", "trace this UID only"),
	BCT_FLAG('q', "quote", &env.quote, "Add quotemarks (\") around arguments."),
	BCT_STRING('n', "name", "NAME", &env.name,
		   "only print commands matching this name (regex), any arg"),
	BCT_STRING('l', "line", "LINE", &env.line,
		   "only print commands where arg contains this line (regex)"),
	BCT_FLAG('U', "print-uid", &env.print_uid, "print UID column"),
	BCT_CUSTOM(K_MAX_ARGS, "max-args", "MAX_ARGS",
		   "maximum number of arguments parsed and displayed, defaults to 20"),
	BCT_CUSTOM('P', "ppid", "PPID", "trace this parent PID only"),
	{ 0 },
};

static const char doc[] =
	"Trace exec() syscalls\n"
	"\v"
	"examples:\n"
	"    execsnoop                      # trace all exec() syscalls\n"
	"    execsnoop -x                   # include failed exec()s\n"
	"    execsnoop -T                   # include time (HH:MM:SS)\n"
	"    execsnoop -P 181               # only trace new processes whose parent PID is 181\n"
	"    execsnoop -U                   # include UID\n"
	"    execsnoop -u 1000              # only trace UID 1000\n"
	"    execsnoop -u user              # get user UID and trace only them\n"
	"    execsnoop -t                   # include timestamps\n"
	"    execsnoop -q                   # add \"quotemarks\" around arguments\n"
	"    execsnoop -n main              # only print command lines containing \"main\"\n"
	"    execsnoop -l tpkg              # only print command where arguments contains \"tpkg\"\n"
	"    execsnoop --cgroupmap mappath  # only trace cgroups in this BPF map\n"
	"    execsnoop --mntnsmap mappath   # only trace mount namespaces in the map\n"
	"    execsnoop --cgroup /sys/fs/cgroup/app  # only tasks in this cgroup v2\n"
	"    execsnoop --json               # one JSON object per exec\n";

/* -u: a UID, or a user name looked up as BCC does. */
static void parse_user(struct argp_state *state, const char *arg)
{
	struct passwd *pw;
	uint64_t v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*arg >= '0' && *arg <= '9' && !*end && !errno && v < UINT32_MAX) {
		env.kit.filter.uid = v;
	} else {
		pw = getpwnam(arg);
		if (!pw)
			argp_error(state, "argument -u/--uid: '%s' is not valid UID or user entry",
				   arg);
		else
			env.kit.filter.uid = pw->pw_uid;
	}
	env.kit.filter.has_uid = true;
}

static void compile_re(struct argp_state *state, const char *what, const char *re, regex_t *out)
{
	char msg[128];
	int rc = regcomp(out, re, REG_EXTENDED | REG_NOSUB);

	if (rc) {
		regerror(rc, out, msg, sizeof(msg));
		argp_error(state, "argument %s: invalid regular expression '%s': %s", what, re,
			   msg);
	}
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'u':
		parse_user(state, arg);
		break;
	case 'P':
		bct_arg_pid(state, arg, &env.ppid);
		break;
	case K_MAX_ARGS:
		bct_arg_u64(state, "max-args", arg, 1, EXECSNOOP_MAX_ARGS_LIMIT, &env.max_args);
		break;
	case ARGP_KEY_END:
		if (env.name)
			compile_re(state, "-n/--name", env.name, &env.name_re);
		if (env.line)
			compile_re(state, "-l/--line", env.line, &env.line_re);
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
	.shared = { .cgroup = true, .cgroupmap = true },
};

/* --- attach methods: every program in bpf-src/execsnoop.bpf.c --------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_execve", "kprobe/" BCT_SYS(execve)),
			     BCT_PROG("kr_execve", "kretprobe/" BCT_SYS(execve))),
	  .optional_progs = BCT_PROGS(BCT_PROG("kp_execveat", "kprobe/" BCT_SYS(execveat)),
				      BCT_PROG("kr_execveat", "kretprobe/" BCT_SYS(execveat))) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_enter_execve", "tracepoint/syscalls/sys_enter_execve"),
			     BCT_PROG("tp_exit_execve", "tracepoint/syscalls/sys_exit_execve")),
	  .optional_progs = BCT_PROGS(
		  BCT_PROG("tp_enter_execveat", "tracepoint/syscalls/sys_enter_execveat"),
		  BCT_PROG("tp_exit_execveat", "tracepoint/syscalls/sys_exit_execveat")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "exec syscalls", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_execsnoop = {
	.src_name = "execsnoop.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * BCC's columns ("%-9s" "%-8.3f" "%-6d" then "%-16s %-7d %-7s %3d %s") as widths joined by one
 * space; JSON keys in this order. JSON shows uid whatever the text shows.
 */
static const struct bct_col cols[] = {
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY, 0 },
	{ "TIME(s)", "time_s", 7, BCT_COL_DOUBLE, BCT_COL_LEFT | BCT_COL_HIDDEN | BCT_COL_TEXT_ONLY,
	  3 },
	{ "UID", "uid", 5, BCT_COL_UINT, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "PCOMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "PPID", "ppid_text", 7, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "PPID", "ppid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 }, /* absent: unknown */
	{ "RET", "ret", 3, BCT_COL_INT, 0, 0 },
	{ "ARGS", "args_text", 0, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY | BCT_COL_ESCAPED,
	  0 },
	{ "ARGS", "args", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ NULL },
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void columns(void *ctx, struct bct_out *out)
{
	env.start_ns = clock_ns(CLOCK_MONOTONIC);
	env.real_off_ns = (int64_t)(clock_ns(CLOCK_REALTIME) - env.start_ns);
	if (bct_out__json(out)) {
		bct_out__show(out, "uid", true);
		return;
	}
	bct_out__show(out, "time", env.time);
	bct_out__show(out, "time_s", env.timestamp);
	bct_out__show(out, "uid", env.print_uid);
}

/* Room for every argument quoted with each character escaped, "..." and the separators. */
#define LINE_MAX_BYTES (2 * EXECSNOOP_ARGSIZE * EXECSNOOP_MAX_ARGS_LIMIT + 8 * 258)

struct text {
	char *s;
	size_t len;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->len + n >= LINE_MAX_BYTES)
		n = LINE_MAX_BYTES - 1 - t->len;
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

/* One argument of the text: quoted under -q (inner quotes escaped), newlines as \n. */
static void put_arg(struct text *t, const char *a, size_t n)
{
	size_t i;

	if (t->len)
		put(t, " ", 1);
	if (env.quote)
		put(t, "\"", 1);
	for (i = 0; i < n; i++) {
		if (a[i] == '\n')
			put(t, "\\n", 2);
		else if (a[i] == '"' && env.quote)
			put(t, "\\\"", 2);
		else
			put(t, &a[i], 1);
	}
	if (env.quote)
		put(t, "\"", 1);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	static char raw_buf[LINE_MAX_BYTES], text_buf[LINE_MAX_BYTES];
	struct text raw = { raw_buf, 0 }, text = { text_buf, 0 };
	const struct execsnoop_event *e = data;
	const char *a = (const char *)(e + 1);
	char comm[EXECSNOOP_COMM_LEN + 1], hms[16], ppid[16];
	size_t avail, off = 0;
	uint32_t i;

	if (size < sizeof(*e))
		return 0;
	raw_buf[0] = text_buf[0] = '\0';
	avail = size - sizeof(*e);
	if (e->args_size < avail)
		avail = e->args_size;
	/* the arguments joined by spaces: raw for -l and JSON, as shown for the text */
	for (i = 0; i < e->args_count && off < avail; i++) {
		size_t n = strnlen(a + off, avail - off);

		if (raw.len)
			put(&raw, " ", 1);
		put(&raw, a + off, n);
		put_arg(&text, a + off, n);
		off += n + 1;
	}
	if (e->info & EXECSNOOP_MORE_ARGS) {
		put(&raw, raw.len ? " ..." : "...", raw.len ? 4 : 3);
		put_arg(&text, "...", 3);
	}
	snprintf(comm, sizeof(comm), "%.*s", EXECSNOOP_COMM_LEN, e->comm);
	if (env.name && regexec(&env.name_re, comm, 0, NULL, 0))
		return 0;
	if (env.line && regexec(&env.line_re, raw.s, 0, NULL, 0))
		return 0;

	if (env.time) {
		time_t secs = (time_t)((e->ts + env.real_off_ns) / 1000000000ULL);
		struct tm tm;

		localtime_r(&secs, &tm);
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	} else {
		hms[0] = '\0';
	}
	if (e->ppid)
		snprintf(ppid, sizeof(ppid), "%u", e->ppid);
	else
		snprintf(ppid, sizeof(ppid), "?");

	bct_out__uint(out, e->ts);
	bct_out__str(out, hms);
	/* signed: an event may predate the start by the time the header took */
	bct_out__double(out, (double)(int64_t)(e->ts - env.start_ns) / 1e9);
	bct_out__uint(out, e->uid);
	bct_out__str(out, comm);
	bct_out__uint(out, e->pid);
	bct_out__str(out, ppid);
	if (e->ppid)
		bct_out__uint(out, e->ppid);
	else
		bct_out__none(out);
	bct_out__int(out, e->ret);
	bct_out__str(out, text.s);
	bct_out__str(out, raw.s);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = bct_prog__define(p, "MAX_ARGS", "%" PRIu64, env.max_args);

	if (env.fails)
		err = err ?: bct_prog__define(p, "FILTER_FAILED", NULL);
	if (env.ppid)
		err = err ?: bct_prog__define(p, "FILTER_PPID", "%d", (int)env.ppid);
	return err;
}

int cmd_execsnoop(int argc, char **argv)
{
	/*
	 * 16 pages per CPU: a ring's pages are resident twice (libbpf maps them twice), and at
	 * exec rates (a fork-exec storm is about 10k/s) 128 KiB holds tens of milliseconds.
	 */
	struct bct_event_tool tool = {
		.cols = cols, .columns = columns, .on_event = on_event, .ring_pages = 16
	};
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_execsnoop, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
