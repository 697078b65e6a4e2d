// SPDX-License-Identifier: Apache-2.0
/*
 * funcinterval: time between consecutive calls of a function or hits of a tracepoint, as a
 * log2 histogram.
 *
 * Interface of BCC's funcinterval by Edward Wu; written anew on lib/probespec and
 * lib/histtool. Tracepoints (t:CAT:EV) and user functions (LIB:FUNC, uprobes) work here;
 * kernel functions need kprobes, which this kernel lacks, so they are refused with one line.
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

static struct funcinterval_env {
	struct bct_env kit; /* -p, -d, -T, --json, --ebpf, --debug */
	const char *pattern;
	bool micro, milli, verbose;
	struct bct_probespec spec;
	struct bct_targets m;
} env;

static const struct bct_opt opts[] = {
	BCT_CUSTOM('i', "interval", "INTERVAL", "summary interval, in seconds"),
	BCT_FLAG('u', "microseconds", &env.micro, "microsecond histogram"),
	BCT_FLAG('m', "milliseconds", &env.milli, "millisecond histogram"),
	BCT_FLAG('v', "verbose", &env.verbose, "print the BPF program (for debugging purposes)"),
	{ 0 },
};

static const char doc[] =
	"Time interval and print latency as a histogram\n"
	"\v"
	"examples:\n"
	"    funcinterval t:sched:sched_process_exec   # time between process execs\n"
	"    funcinterval -u t:irq:irq_handler_entry   # interrupts, in microseconds\n"
	"    funcinterval -mTi 5 t:syscalls:sys_enter_read  # every 5 s, with timestamps\n"
	"    funcinterval -p `pidof -s top` -i 3 c:malloc   # malloc() calls of top\n"
	"    funcinterval /usr/local/bin/python:main\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	uint64_t v;

	switch (key) {
	case 'i':
		bct_arg_u64(state, "interval", arg, 1, UINT32_MAX, &v);
		env.kit.interval = v;
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

BCT_PROBESPEC_HOOKS("fi_tracepoint", "tracepoints (t:CAT:EV)", "fi_uprobe",
		    "user functions (LIB:FUNC)");

const struct bct_needs needs_funcinterval = {
	.src_name = "funcinterval.bpf.c",
	.variants = (const struct bct_variant[]){ { "t:sched:sched_process_exit", tp_hooks },
						  { "c:getpid", uprobe_hooks },
						  { NULL } },
};

/* BCC's attach type, as its banner names it */
static const char *attach_type(void)
{
	if (env.spec.type == 't')
		return "tracepoint";
	return env.spec.lib[0] ? "uprobe function" : "kprobe function";
}

/* FUNC (kprobe), LIB:FUNC (uprobes on the regex FUNC), t:CAT:EV (one tracepoint). */
static int resolve(void)
{
	struct bct_probespec *spec = &env.spec;
	int err;

	err = bct_probespec_parse(env.pattern, 0, spec);
	if (err || (spec->typed && spec->type != 't')) {
		fprintf(stderr, "Error: unrecognized pattern format '%s'\n", env.pattern);
		return -EINVAL;
	}
	if (bct_probespec_is_kernel(spec)) {
		pr_err("cannot trace kernel function '%s': this kernel has no kprobes; use a "
		       "tracepoint (t:CAT:EV) instead",
		       spec->pattern);
		return -EOPNOTSUPP;
	}
	err = bct_probespec_resolve(spec, spec->type == 't' ? BCT_PS_EXACT : BCT_PS_REGEX,
				    (pid_t)env.kit.filter.pid, &env.m);
	if (err == -ENOENT && spec->type != 't' && !env.m.path[0]) {
		fprintf(stderr, "Error: Can't find elf binary %s\n", spec->lib);
		return err;
	}
	if (err == -EINVAL) {
		pr_err("invalid regular expression '%s'", spec->pattern);
		return err;
	}
	if (err) {
		pr_err("cannot resolve '%s': %s", env.pattern, strerror(-err));
		return err;
	}
	if (!env.m.n) {
		fprintf(stderr, "0 %s matched by \"%s\". Exiting.\n", attach_type(), spec->pattern);
		return -ENOENT;
	}
	return 0;
}

static int add_defines(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	if (env.milli || env.micro)
		return bct_prog__define(p, "FI_FACTOR", "%s", env.milli ? "1000000" : "1000");
	return 0;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	struct bpf_object *obj = bct_prog__object(p);
	struct bpf_program *prog;
	size_t i;
	int err;

	(void)ctx;
	prog = bpf_object__find_program_by_name(obj, env.spec.type == 't' ? "fi_tracepoint"
									  : "fi_uprobe");
	if (!prog)
		return -ENOENT;
	for (i = 0; i < env.m.n && !bct_exiting; i++) {
		err = bct_target_attach(p, prog, &env.m.t[i], false, (pid_t)env.kit.filter.pid, 0);
		if (err)
			return err;
	}
	return 0;
}

int cmd_funcinterval(int argc, char **argv)
{
	struct bct_hist_tool tool = { .unit = "nsecs", .missed_what = "calls" };
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
	if (!env.kit.common.ebpf) {
		if (resolve())
			return 1;
		snprintf(banner, sizeof(banner), "Tracing %s for \"%s\"... Hit Ctrl-C to end.",
			 attach_type(), env.spec.pattern);
		tool.banner = banner;
	}
	if (bct_session__init(&s, &env.kit, &needs_funcinterval,
			      env.spec.type == 't' || env.kit.common.ebpf ? tp_hooks
									  : uprobe_hooks))
		return 1;
	if (env.verbose && !env.kit.common.ebpf && bct_session__print_source(&s)) {
		bct_session__stop(&s);
		return 1;
	}
	rc = bct_hist_run(&s, &tool);
	if (!rc && !env.kit.common.ebpf && !env.kit.common.json && !bct_hist_serve_hook)
		printf("Detaching...\n");
	bct_targets_free(&env.m);
	return rc;
}
