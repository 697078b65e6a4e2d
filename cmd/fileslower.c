// SPDX-License-Identifier: Apache-2.0
/*
 * fileslower: trace synchronous file reads and writes slower than a threshold, one line each.
 *
 * Interface of BCC's fileslower by Brendan Gregg; written anew, with --json.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "fileslower.h"

static struct fileslower_env {
	struct bct_env kit; /* -p, --json... */
	bool all_files;
	long long min_ms;
	bool have_min;
	uint64_t start_ns; /* CLOCK_MONOTONIC when tracing began: TIME(s) counts from it */
} env = { .min_ms = 10 };

static const struct bct_opt opts[] = {
	BCT_FLAG('a', "all-files", &env.all_files,
		 "include non-regular file types (sockets, FIFOs, etc)"),
	{ 0 },
};

static const char doc[] =
	"Trace slow synchronous file reads and writes\n"
	"\v"
	"examples:\n"
	"    fileslower             # trace sync file I/O slower than 10 ms (default)\n"
	"    fileslower 1           # trace sync file I/O slower than 1 ms\n"
	"    fileslower -p 185      # trace PID 185 only\n"
	"    fileslower -a 0        # every read and write of any file type\n"
	"    fileslower --json 50   # one JSON object per I/O of 50 ms or more\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;
	long long v;

	if (key != ARGP_KEY_ARG)
		return ARGP_ERR_UNKNOWN;
	if (env.have_min)
		argp_error(state, "unrecognized arguments: %s", arg);
	errno = 0;
	v = strtoll(arg, &end, 10);
	if (!*arg || *end || errno || v > 1000000000LL || v < -1000000000LL)
		argp_error(state, "invalid min_ms: '%s' (an integer number of milliseconds)", arg);
	env.min_ms = v;
	env.have_min = true;
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[min_ms]",
	.doc = doc,
	.shared = { .pid = 'p' },
};

/* --- attach methods: every program in bpf-src/fileslower.bpf.c --------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("kp_read", "kprobe/vfs_read"),
			     BCT_PROG("kr_read", "kretprobe/vfs_read"),
			     BCT_PROG("kp_write", "kprobe/vfs_write"),
			     BCT_PROG("kr_write", "kretprobe/vfs_write")) },
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_read", "tracepoint/syscalls/sys_enter_read"),
			     BCT_PROG("tp_pread64", "tracepoint/syscalls/sys_enter_pread64"),
			     BCT_PROG("tp_write", "tracepoint/syscalls/sys_enter_write"),
			     BCT_PROG("tp_pwrite64", "tracepoint/syscalls/sys_enter_pwrite64"),
			     BCT_PROG("tp_read_exit", "tracepoint/syscalls/sys_exit_read"),
			     BCT_PROG("tp_pread64_exit", "tracepoint/syscalls/sys_exit_pread64"),
			     BCT_PROG("tp_write_exit", "tracepoint/syscalls/sys_exit_write"),
			     BCT_PROG("tp_pwrite64_exit", "tracepoint/syscalls/sys_exit_pwrite64")),
	  .approx = "latency timed from the system call's entry to its exit (adds the fd lookup)" },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "file reads and writes", methods, false }, { NULL } };

const struct bct_needs needs_fileslower = {
	.src_name = "fileslower.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/* BCC's "%-8.3f %-14.14s %-6s %1s %-7s %7.2f %s"; JSON keys in this order */
static const struct bct_col cols[] = {
	{ "TS", "ts", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TIME(s)", "time", 8, BCT_COL_DOUBLE, BCT_COL_LEFT, 3 },
	{ "COMM", "comm", 14, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "TID", "tid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "D", "dir", 1, BCT_COL_STR, 0, 0 },
	{ "BYTES", "bytes", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "LAT(ms)", "lat_ms", 7, BCT_COL_DOUBLE, 0, 2 },
	{ "FILENAME", "filename", 0, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	env.start_ns = (uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec;
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct fileslower_event *e = data;
	char name[FILESLOWER_NAME_LEN + 4];
	size_t len;

	if (size < sizeof(*e))
		return 0;
	len = strnlen(e->name, FILESLOWER_NAME_LEN);
	memcpy(name, e->name, len);
	name[len] = '\0';
	if (e->name_len > FILESLOWER_NAME_LEN) /* cut: BCC's "..." in place of the last 3 */
		memcpy(name + (len > 3 ? len - 3 : 0), "...", 4);
	bct_out__uint(out, e->ts);
	bct_out__double(out, (double)(int64_t)(e->ts - env.start_ns) / 1e9);
	bct_out__strn(out, e->comm, bct_out__json(out) ? sizeof(e->comm) : 14);
	bct_out__uint(out, e->pid);
	bct_out__uint(out, e->tid);
	bct_out__str(out, e->mode == FILESLOWER_READ ? "R" : "W");
	bct_out__uint(out, e->sz);
	bct_out__double(out, (double)e->delta_us / 1000.0);
	bct_out__str(out, name);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	long long us = env.min_ms > 0 ? env.min_ms * 1000 : 0;
	int err;

	err = bct_prog__define(p, "FILESLOWER_MIN_US", "%lldULL", us);
	if (env.all_files)
		err = err ?: bct_prog__define(p, "FILESLOWER_ALL", NULL);
	return err;
}

int cmd_fileslower(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	char banner[96];
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	snprintf(banner, sizeof(banner), "Tracing sync read/writes slower than %lld ms",
		 env.min_ms);
	tool.banner = banner;
	if (bct_session__init(&s, &env.kit, &needs_fileslower, NULL))
		return 1;
	return bct_events_run(&s, &tool);
}
