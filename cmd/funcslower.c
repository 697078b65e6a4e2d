// SPDX-License-Identifier: Apache-2.0
/*
 * funcslower: trace calls of user functions slower than a threshold.
 *
 * Interface of BCC's funcslower by Sasha Goldshtein; written anew on lib/probespec. Each
 * LIB:FUNC gets a uprobe and a uretprobe; kernel functions need kprobes, which this kernel
 * lacks, so they are refused with one line.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "probe.h"
#include "probespec.h"
#include "prog.h"
#include "signals.h"
#include "stack.h"
#include "tool.h"

#include "funcslower.h"

#define MAX_FUNCS 256

static struct funcslower_env {
	struct bct_env kit; /* -p, --json, --ebpf, --debug */
	const char *funcs[MAX_FUNCS];
	size_t nfuncs;
	double min_ms, min_us;
	uint64_t min_ns;
	uint64_t nargs;
	bool time, timestamp, verbose, folded, user_stack, kernel_stack;
	struct bct_targets targets[MAX_FUNCS];
	int stack_fd;
	struct bct_ksyms *ksyms;
	struct bct_usyms *usyms;
	uint64_t earliest_ns;
} env; /* zeroed (.bss: its target tables are 1.3 MB); stack_fd set at start */

static const struct bct_opt opts[] = {
	BCT_CUSTOM('m', "min-ms", "MIN_MS", "minimum duration to trace (ms)"),
	BCT_CUSTOM('u', "min-us", "MIN_US", "minimum duration to trace (us)"),
	BCT_CUSTOM('a', "arguments", "ARGUMENTS", "print this many entry arguments, as hex"),
	BCT_FLAG('T', "time", &env.time, "show HH:MM:SS timestamp"),
	BCT_FLAG('t', "timestamp", &env.timestamp, "show timestamp in seconds at us resolution"),
	BCT_FLAG('v', "verbose", &env.verbose, "print the BPF program for debugging purposes"),
	BCT_FLAG('f', "folded", &env.folded,
		 "output folded format, one line per stack (for flame graphs)"),
	BCT_FLAG('U', "user-stack", &env.user_stack, "output user stack trace"),
	BCT_FLAG('K', "kernel-stack", &env.kernel_stack, "output kernel stack trace"),
	{ 0 },
};

static const char doc[] =
	"Trace slow kernel or user function calls.\n"
	"\v"
	"examples:\n"
	"  funcslower c:open             # trace open calls slower than 1ms\n"
	"  funcslower -m 10 c:fsync      # same, but slower than 10ms\n"
	"  funcslower -u 10 c:open       # trace open calls slower than 10us\n"
	"  funcslower -p 135 c:open      # trace pid 135 only\n"
	"  funcslower c:malloc c:free    # trace both malloc and free slower than 1ms\n"
	"  funcslower -a 2 c:open        # show first two arguments to open\n"
	"  funcslower -UK -m 10 c:open   # Show user and kernel stack frame of open calls slower "
	"than 10ms\n"
	"  funcslower -f -UK c:open      # Output in folded format for flame graphs\n";

static double parse_float(struct argp_state *state, const char *opt, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < 0)
		argp_error(state, "argument %s: invalid float value: '%s'", opt, arg);
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;
	long v;

	switch (key) {
	case 'm':
		env.min_ms = parse_float(state, "-m/--min-ms", arg);
		break;
	case 'u':
		env.min_us = parse_float(state, "-u/--min-us", arg);
		break;
	case 'a':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < 0 || v > FS_NARGS)
			argp_error(state, "argument -a/--arguments: invalid value: '%s' (0 to %d)",
				   arg, FS_NARGS);
		env.nargs = (uint64_t)v;
		break;
	case ARGP_KEY_ARG:
		if (env.nfuncs == MAX_FUNCS)
			argp_error(state, "at most %d functions", MAX_FUNCS);
		env.funcs[env.nfuncs++] = arg;
		break;
	case ARGP_KEY_END:
		if (!env.nfuncs && !env.kit.common.ebpf)
			argp_error(state, "the following arguments are required: function");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "function [function ...]",
	.doc = doc,
	.shared = { .pid = 'p' },
};

static const struct bct_method uprobe_methods[] = {
	{ .name = "uprobe",
	  .progs = BCT_PROGS(BCT_PROG("fs_entry", "uprobe"), BCT_PROG("fs_return", "uretprobe")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "user functions (LIB:FUNC)", uprobe_methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_funcslower = {
	.src_name = "funcslower.bpf.c",
	.variants = (const struct bct_variant[]){ { "c:getpid", hooks }, { NULL } },
};

/* Each argument: exactly one function, LIB:FUNC. */
static int resolve(void)
{
	struct bct_probespec spec;
	size_t i;
	int err;

	for (i = 0; i < env.nfuncs; i++) {
		const char *f = env.funcs[i];

		err = bct_probespec_parse(f, 0, &spec);
		if (err || spec.nparts > 2) {
			pr_err("invalid function '%s': give FUNC or LIB:FUNC", f);
			return -EINVAL;
		}
		if (bct_probespec_is_kernel(&spec)) {
			pr_err("cannot trace kernel function '%s': this kernel has no kprobes; trace "
			       "user functions (LIB:FUNC) instead",
			       f);
			return -EOPNOTSUPP;
		}
		err = bct_probespec_resolve(&spec, BCT_PS_EXACT, (pid_t)env.kit.filter.pid,
					    &env.targets[i]);
		if (err == -ENOENT && !env.targets[i].path[0]) {
			pr_err("unable to find library %s", spec.lib);
			return err;
		}
		if (err) {
			pr_err("cannot resolve '%s': %s", f, strerror(-err));
			return err;
		}
		if (!env.targets[i].n) {
			pr_err("can't find function '%s' in %s", spec.pattern, env.targets[i].path);
			return -ENOENT;
		}
	}
	return 0;
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err;

	(void)ctx;
	err = bct_prog__define(p, "FS_MIN_NS", "%" PRIu64, env.min_ns);
	if (!err && env.nargs)
		err = bct_prog__define(p, "FS_ARGS", NULL);
	if (!err && env.user_stack)
		err = bct_prog__define(p, "FS_USER_STACK", NULL);
	if (!err && env.kernel_stack)
		err = bct_prog__define(p, "FS_KERNEL_STACK", NULL);
	if (!err && (env.user_stack || env.kernel_stack))
		err = bct_prog__define(p, "BCT_STACK_STORAGE", "2048"); /* BCC's */
	return err;
}

static int attach(struct bct_prog *p, struct bpf_program *prog, const struct bct_target *t,
		  bool ret, uint64_t cookie)
{
	return bct_target_attach(p, prog, t, ret, (pid_t)env.kit.filter.pid, cookie);
}

static int after_load(struct bct_prog *p, void *ctx)
{
	struct bpf_object *obj = bct_prog__object(p);
	struct bpf_program *entry, *ret;
	size_t i;
	int err = 0;

	(void)ctx;
	entry = bpf_object__find_program_by_name(obj, "fs_entry");
	ret = bpf_object__find_program_by_name(obj, "fs_return");
	if (!entry || !ret)
		return -ENOENT;
	for (i = 0; i < env.nfuncs && !err && !bct_exiting; i++) {
		err = attach(p, ret, &env.targets[i].t[0], true, i);
		if (!err)
			err = attach(p, entry, &env.targets[i].t[0], false, i);
	}
	if (err || (!env.user_stack && !env.kernel_stack))
		return err;
	env.stack_fd = bct_prog__map_fd(p, "stack_traces");
	if (env.stack_fd < 0)
		return env.stack_fd;
	if (env.kernel_stack) {
		env.ksyms = bct_ksyms_load(NULL);
		if (!env.ksyms) {
			err = -errno;
			pr_err("cannot read kernel symbols from /proc/kallsyms: %s",
			       strerror(-err));
			return err;
		}
	}
	if (env.user_stack && !(env.usyms = bct_usyms_new()))
		return -ENOMEM;
	return 0;
}

/* --- output ------------------------------------------------------------------------------- */

static const struct bct_col cols[] = {
	{ "TIME", "time", 10, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_HIDDEN, 0 },
	{ "COMM", "comm", 14, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "COMM", "comm", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "PID", "pid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "LAT(ms)", "lat_ms", 7, BCT_COL_DOUBLE, BCT_COL_HIDDEN, 2 },
	{ "LAT(us)", "lat_us", 7, BCT_COL_DOUBLE, BCT_COL_HIDDEN, 2 },
	{ "RVAL", "rval", 16, BCT_COL_STR, BCT_COL_TEXT_ONLY, 0 },
	{ "RVAL", "retval", 0, BCT_COL_UINT, BCT_COL_JSON_ONLY, 0 },
	{ "FUNC", "func_text", 0, BCT_COL_STR, BCT_COL_TEXT_ONLY | BCT_COL_HIDDEN, 0 },
	{ "FUNC ARGS", "func_args_text", 0, BCT_COL_STR, BCT_COL_TEXT_ONLY | BCT_COL_HIDDEN, 0 },
	{ "FUNC", "func", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 },
	{ "ARGS", "args", 0, BCT_COL_STR, BCT_COL_HIDDEN, 0 },
	{ "KSTACK", "kernel_stack", 0, BCT_COL_STR, BCT_COL_HIDDEN, 0 },
	{ "USTACK", "user_stack", 0, BCT_COL_STR, BCT_COL_HIDDEN, 0 },
	{ NULL },
};

static void columns(void *ctx, struct bct_out *out)
{
	bool json = bct_out__json(out);

	(void)ctx;
	bct_out__show(out, "time", env.time || env.timestamp);
	bct_out__show(out, "lat_ms", !env.min_us);
	bct_out__show(out, "lat_us", env.min_us);
	bct_out__show(out, "func_text", !env.nargs);
	bct_out__show(out, "func_args_text", env.nargs);
	bct_out__show(out, "args", env.nargs && json);
	bct_out__show(out, "kernel_stack", env.kernel_stack && json);
	bct_out__show(out, "user_stack", env.user_stack && json);
}

/* Frames of a stack, leaf first (0 when none: the stack is missing or empty). */
static int read_stack(int32_t id, bool user, uint64_t *ips)
{
	int n;

	if (id < 0 || env.stack_fd < 0)
		return 0;
	n = user ? bct_stack_read(env.stack_fd, id, ips, BCT_STACK_MAX_DEPTH)
		 : bct_stack_read_kernel(env.stack_fd, env.ksyms, id, ips, BCT_STACK_MAX_DEPTH);
	/* a uprobe's kernel stack is all trap and tracing code: show it rather than nothing */
	if (!user && n == 0)
		n = bct_stack_read(env.stack_fd, id, ips, BCT_STACK_MAX_DEPTH);
	return n < 0 ? 0 : n;
}

static const char *frame_name(bool user, pid_t pid, uint64_t ip, char *buf, size_t sz)
{
	if (user)
		return bct_usyms_name(env.usyms, pid, ip, false, buf, sz);
	return bct_ksyms_name(env.ksyms, ip, false, buf, sz);
}

static void append(char *buf, size_t sz, size_t *used, const char *sep, const char *s)
{
	int w = snprintf(buf + *used, sz - *used, "%s%s", *used ? sep : "", s);

	if (w > 0 && (size_t)w < sz - *used)
		*used += (size_t)w;
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct fs_event *e = data;
	static uint64_t kips[BCT_STACK_MAX_DEPTH], uips[BCT_STACK_MAX_DEPTH];
	static char kjoined[8192], ujoined[8192], line[16384];
	pid_t tgid = (pid_t)(e->tgid_pid >> 32);
	char ts[32], rval[32], argstr[128] = "", text[4200], frame[512], comm[FS_COMM_LEN + 1];
	const char *func;
	size_t used = 0, ku = 0, uu = 0;
	int nk, nu, i, err;

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	func = e->func < env.nfuncs ? env.funcs[e->func] : "?";
	snprintf(comm, sizeof(comm), "%.*s", FS_COMM_LEN, e->comm);
	nk = env.kernel_stack ? read_stack(e->kernel_stack_id, false, kips) : 0;
	if (env.user_stack)
		bct_usyms_forget(env.usyms, tgid); /* the process may have exec'd */
	nu = env.user_stack ? read_stack(e->user_stack_id, true, uips) : 0;
	if (env.folded) {
		if (!env.user_stack && !env.kernel_stack)
			return 0;
		/* comm;user frames, root first;-;kernel frames, root first 1 */
		append(line, sizeof(line), &used, ";", comm);
		for (i = nu - 1; i >= 0; i--)
			append(line, sizeof(line), &used, ";",
			       frame_name(true, tgid, uips[i], frame, sizeof(frame)));
		if (nu && nk)
			append(line, sizeof(line), &used, ";", "-");
		for (i = nk - 1; i >= 0; i--)
			append(line, sizeof(line), &used, ";",
			       frame_name(false, 0, kips[i], frame, sizeof(frame)));
		append(line, sizeof(line), &used, " ", "1");
		return bct_out__text(out, line);
	}
	if (env.time) {
		time_t now = time(NULL);

		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	} else {
		if (!env.earliest_ns)
			env.earliest_ns = e->start_ns;
		snprintf(ts, sizeof(ts), "%.6f", (double)(e->start_ns - env.earliest_ns) / 1e9);
	}
	for (i = 0; i < (int)env.nargs; i++) {
		size_t l = strlen(argstr);

		snprintf(argstr + l, sizeof(argstr) - l, "%s0x%" PRIx64, i ? " " : "",
			 (uint64_t)e->args[i]);
	}
	snprintf(rval, sizeof(rval), "%" PRIx64, (uint64_t)e->retval);
	snprintf(text, sizeof(text), "%s %s", func, argstr);
	bct_out__str(out, ts);
	bct_out__str(out, comm);
	bct_out__str(out, comm);
	bct_out__uint(out, (uint64_t)tgid);
	bct_out__double(out, (double)e->duration_ns / 1000000.0);
	bct_out__double(out, (double)e->duration_ns / 1000.0);
	bct_out__str(out, rval);
	bct_out__uint(out, e->retval);
	bct_out__str(out, text);
	bct_out__str(out, text);
	bct_out__str(out, func);
	bct_out__str(out, argstr);
	kjoined[0] = ujoined[0] = '\0';
	for (i = 0; i < nk; i++)
		append(kjoined, sizeof(kjoined), &ku, ";",
		       frame_name(false, 0, kips[i], frame, sizeof(frame)));
	for (i = 0; i < nu; i++)
		append(ujoined, sizeof(ujoined), &uu, ";",
		       frame_name(true, tgid, uips[i], frame, sizeof(frame)));
	bct_out__str(out, kjoined);
	bct_out__str(out, ujoined);
	err = bct_out__end(out);
	if (bct_out__json(out))
		return err;
	/* BCC: kernel frames, then user frames, leaf first, under the row */
	for (i = 0; i < nk && !err; i++) {
		snprintf(line, sizeof(line), "    %s",
			 frame_name(false, 0, kips[i], frame, sizeof(frame)));
		err = bct_out__text(out, line);
	}
	for (i = 0; i < nu && !err; i++) {
		snprintf(line, sizeof(line), "    %s",
			 frame_name(true, tgid, uips[i], frame, sizeof(frame)));
		err = bct_out__text(out, line);
	}
	return err;
}

int cmd_funcslower(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .columns = columns, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	char banner[128];
	int rc;

	env.stack_fd = -1;
	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	/* BCC: fractions allowed, rounded down to a nanosecond; 0 means "not given" */
	if (env.min_ms)
		env.min_ns = (uint64_t)(env.min_ms * 1000000);
	else if (env.min_us)
		env.min_ns = (uint64_t)(env.min_us * 1000);
	else
		env.min_ns = 1000000;
	if (!env.kit.common.ebpf && resolve())
		return 1;
	if (env.folded)
		tool.no_header = true;
	else {
		snprintf(banner, sizeof(banner),
			 "Tracing function calls slower than %g %s... Ctrl+C "
			 "to quit.",
			 env.min_us && !env.min_ms ? env.min_us
			 : env.min_ms		   ? env.min_ms
						   : 1.0,
			 env.min_us && !env.min_ms ? "us" : "ms");
		tool.banner = banner;
	}
	if (bct_session__init(&s, &env.kit, &needs_funcslower, NULL))
		return 1;
	if (env.verbose && !env.kit.common.ebpf && bct_session__print_source(&s)) {
		bct_session__stop(&s);
		return 1;
	}
	rc = bct_events_run(&s, &tool);
	bct_ksyms_free(env.ksyms);
	bct_usyms_free(env.usyms);
	for (size_t i = 0; i < env.nfuncs; i++)
		bct_targets_free(&env.targets[i]);
	return rc;
}
