// SPDX-License-Identifier: Apache-2.0
/*
 * funclatency: time functions (entry to return) and print their latency as log2 histograms.
 *
 * Interface of BCC's funclatency by Brendan Gregg; written anew on lib/probespec. User
 * functions (LIB:FUNC) are timed with a uprobe and a uretprobe each; this kernel has no
 * kprobes, so kernel functions are refused with one line, and tracepoints that come as an
 * entry/exit pair (t:syscalls:sys_enter_X with sys_exit_X) can be timed instead.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "histtool.h"
#include "log.h"
#include "opt.h"
#include "probe.h"
#include "probespec.h"
#include "prog.h"
#include "signals.h"
#include "tool.h"

#define MAX_LEVEL 64

static struct funclatency_env {
	struct bct_env kit; /* -p, -d, -T, --json, --ebpf, --debug */
	const char *pattern;
	bool micro, milli, per_func, regexp, verbose;
	uint64_t level;
} env;

static const struct bct_opt opts[] = {
	BCT_CUSTOM('i', "interval", "INTERVAL", "summary interval, in seconds"),
	BCT_FLAG('u', "microseconds", &env.micro, "microsecond histogram"),
	BCT_FLAG('m', "milliseconds", &env.milli, "millisecond histogram"),
	BCT_FLAG('F', "function", &env.per_func, "show a separate histogram per function"),
	BCT_FLAG('r', "regexp", &env.regexp,
		 "use regular expressions. Default is \"*\" wildcards only."),
	BCT_CUSTOM('l', "level", "LEVEL", "set the level of nested or recursive functions"),
	BCT_FLAG('v', "verbose", &env.verbose, "print the BPF program (for debugging purposes)"),
	{ 0 },
};

static const char doc[] =
	"Time functions and print latency as a histogram\n"
	"\v"
	"examples:\n"
	"    funclatency c:read            # time the read() C library function\n"
	"    funclatency -u c:malloc       # time malloc(), in microseconds\n"
	"    funclatency -m 't:syscalls:sys_enter_nanosleep'  # nanosleep(2), in milliseconds\n"
	"    funclatency -i 2 -d 10 c:open # output every 2 seconds, for duration 10s\n"
	"    funclatency -p 181 c:read     # time process 181 only\n"
	"    funclatency 'c:*printf'       # time the *printf family of functions\n"
	"    funclatency -F 'c:str*'       # show one histogram per matched function\n"
	"    funclatency -l 3 ./demo:walk  # track up to 3 nested (recursive) calls\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	uint64_t v;

	switch (key) {
	case 'i':
		bct_arg_u64(state, "interval", arg, 1, UINT32_MAX, &v);
		env.kit.interval = v;
		break;
	case 'l':
		bct_arg_u64(state, "level", arg, 0, MAX_LEVEL, &v);
		env.level = v;
		break;
	default:
		return bct_arg_one(state, key, arg, "pattern", env.kit.common.ebpf, &env.pattern);
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "pattern",
	.doc = doc,
	.shared = { .pid = 'p', .duration = 'd', .timestamp = 'T' },
};

static const struct bct_method uprobe_methods[] = {
	{ .name = "uprobe",
	  .progs = BCT_PROGS(BCT_PROG("fl_entry", "uprobe"), BCT_PROG("fl_return", "uretprobe")) },
	{ NULL },
};

static const struct bct_method tp_methods[] = {
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("fl_tp_entry", "tracepoint"),
			     BCT_PROG("fl_tp_return", "tracepoint")) },
	{ NULL },
};

static const struct bct_hook uprobe_hooks[] = {
	{ "user functions (LIB:FUNC)", uprobe_methods, false },
	{ NULL, NULL, false },
};

static const struct bct_hook tp_hooks[] = {
	{ "entry/exit tracepoint pairs (t:CAT:EV)", tp_methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_funclatency = {
	.src_name = "funclatency.bpf.c",
	.variants = (const struct bct_variant[]){ { "c:getpid", uprobe_hooks },
						  { "t:syscalls:sys_enter_getpid", tp_hooks },
						  { NULL } },
};

static struct bct_probespec spec;
static struct bct_targets m;
/* tracepoints: the exit event of each entry target */
static char **exits;

/* The exit tracepoint of an entry one: sys_enter_X -> sys_exit_X, X_entry/X_enter -> X_exit. */
static bool exit_of(const char *event, char *buf, size_t sz)
{
	const char *p;

	if ((p = strstr(event, "_enter_")))
		snprintf(buf, sz, "%.*s_exit_%s", (int)(p - event), event, p + 7);
	else if (strlen(event) > 6 && (!strcmp(event + strlen(event) - 6, "_entry") ||
				       !strcmp(event + strlen(event) - 6, "_enter")))
		snprintf(buf, sz, "%.*s_exit", (int)(strlen(event) - 6), event);
	else
		return false;
	return true;
}

/* Keeps the tracepoints that have an exit event (a target without one is dropped). */
static int pair_tracepoints(void)
{
	size_t i, o = 0;
	char ev[512];

	exits = calloc(m.n ? m.n : 1, sizeof(*exits));
	if (!exits)
		return -ENOMEM;
	for (i = 0; i < m.n; i++) {
		struct bct_target t = m.t[i];

		if (!exit_of(t.event, ev, sizeof(ev)) || !bct_tracepoint_exists(t.category, ev)) {
			free(t.name);
			free(t.category);
			free(t.event);
			continue;
		}
		exits[o] = strdup(ev);
		if (!exits[o])
			return -ENOMEM;
		t.slot = (uint32_t)o;
		m.t[o++] = t;
	}
	m.n = o;
	m.nslots = (uint32_t)o;
	return 0;
}

static int resolve(void)
{
	unsigned flags = env.regexp ? BCT_PS_REGEX : 0;
	char hint[512];
	int err;

	err = bct_probespec_parse(env.pattern, 0, &spec);
	if (err || (spec.typed && spec.type != 't')) {
		fprintf(stderr, "Error: unrecognized pattern format '%s'\n", env.pattern);
		return -EINVAL;
	}
	if (bct_probespec_is_kernel(&spec)) {
		if (!bct_probespec_kernel_hint(&spec, flags, hint, sizeof(hint)))
			pr_err("cannot time kernel functions '%s': this kernel has no kprobes; try "
			       "an entry tracepoint such as 't:%s'",
			       spec.pattern, hint);
		else
			pr_err("cannot time kernel functions '%s': this kernel has no kprobes; time "
			       "an entry/exit tracepoint pair (t:CAT:sys_enter_X) instead",
			       spec.pattern);
		return -EOPNOTSUPP;
	}
	err = bct_probespec_resolve(&spec, flags, (pid_t)env.kit.filter.pid, &m);
	if (err == -ENOENT && spec.type != 't' && !m.path[0]) {
		fprintf(stderr, "Error: can't resolve library %s\n", spec.lib);
		return err;
	}
	if (err == -EINVAL) {
		pr_err("invalid regular expression '%s'", m.regex);
		return err;
	}
	if (err) {
		pr_err("cannot resolve '%s': %s", env.pattern, strerror(-err));
		return err;
	}
	if (spec.type == 't') {
		err = pair_tracepoints();
		if (err)
			return err;
	}
	if (!m.n) {
		fprintf(stderr, "0 functions matched by \"%s\". Exiting.\n", env.pattern);
		return -ENOENT;
	}
	return 0;
}

static bool user_probes(void)
{
	return spec.type != 't';
}

/* BCC's key: per function with -F, and per process for user functions without -p. */
static bool per_func(void)
{
	return env.per_func || (user_probes() && !env.kit.filter.pid);
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	(void)ctx;
	if (env.level > 1)
		err = bct_prog__define(p, "FL_LEVEL", "%" PRIu64, env.level);
	if (!err && (env.milli || env.micro))
		err = bct_prog__define(p, "FL_FACTOR", "%s", env.milli ? "1000000" : "1000");
	if (!err && per_func())
		err = bct_prog__define(p, "FL_PER_FUNC", NULL);
	if (!err && per_func() && user_probes())
		err = bct_prog__define(p, "FL_PER_PID", NULL);
	return err;
}

static int attach_one(struct bct_prog *p, struct bpf_program *prog, const struct bct_target *t,
		      bool ret)
{
	return bct_target_attach(p, prog, t, ret, (pid_t)env.kit.filter.pid, t->slot);
}

static int after_load(struct bct_prog *p, void *ctx)
{
	struct bpf_object *obj = bct_prog__object(p);
	struct bpf_program *entry, *ret;
	size_t i;
	int err = 0;

	(void)ctx;
	entry = bpf_object__find_program_by_name(obj, user_probes() ? "fl_entry" : "fl_tp_entry");
	ret = bpf_object__find_program_by_name(obj, user_probes() ? "fl_return" : "fl_tp_return");
	if (!entry || !ret)
		return -ENOENT;
	for (i = 0; i < m.n && !err && !bct_exiting; i++) {
		struct bct_target t = m.t[i];

		/* the return first: an entry never waits for a return that is not attached */
		if (!user_probes()) {
			t.event = exits[i];
			err = attach_one(p, ret, &t, false);
		} else {
			err = attach_one(p, ret, &t, true);
		}
		if (!err)
			err = attach_one(p, entry, &m.t[i], false);
	}
	return err;
}

static void key_name(void *ctx, const void *key, char *buf, size_t sz)
{
	uint64_t k = *(const uint64_t *)key;
	uint32_t slot = (uint32_t)k, pid = (uint32_t)(k >> 32);
	const char *name = slot < m.n ? m.t[slot].name : "?";

	(void)ctx;
	if (user_probes())
		snprintf(buf, sz, "%s [%" PRIu32 "]", name,
			 pid ? pid : (uint32_t)env.kit.filter.pid);
	else
		snprintf(buf, sz, "%s", name);
}

int cmd_funclatency(int argc, char **argv)
{
	struct bct_hist_tool tool = {
		.unit = "nsecs",
		.key_name = key_name,
		.sort_by_name = true,
		.extension = true,
		.missed_what = "calls",
	};
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	char banner[1200];
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.milli)
		tool.unit = "msecs";
	else if (env.micro)
		tool.unit = "usecs";
	if (!env.kit.common.ebpf && resolve())
		return 1;
	if (per_func() && !env.kit.common.ebpf)
		tool.section = "Function";
	tool.section_key = "function";
	if (!env.kit.common.ebpf) {
		snprintf(banner, sizeof(banner),
			 "Tracing %zu functions for \"%s\"... Hit Ctrl-C to end.", m.n,
			 env.pattern);
		tool.banner = banner;
	}
	if (bct_session__init(&s, &env.kit, &needs_funclatency,
			      user_probes() || env.kit.common.ebpf ? uprobe_hooks : tp_hooks))
		return 1;
	if (env.verbose && !env.kit.common.ebpf && bct_session__print_source(&s)) {
		bct_session__stop(&s);
		return 1;
	}
	rc = bct_hist_run(&s, &tool);
	if (!rc && !env.kit.common.ebpf && !env.kit.common.json && !bct_hist_serve_hook)
		printf("Detaching...\n");
	return rc;
}
