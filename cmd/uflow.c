// SPDX-License-Identifier: Apache-2.0
/*
 * uflow: trace the method entries and returns of a language runtime (its USDT probes), as an
 * indented call flow.
 *
 * Interface of BCC's uflow by Sasha Goldshtein; written anew. BCC's names javaflow, perlflow,
 * phpflow, pythonflow, rubyflow and tclflow run this tool with their language.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "tool.h"
#include "uflow.h"
#include "ulang.h"
#include "usdt_args.h"

static struct uflow_env {
	struct bct_env kit;
	const char *language, *method, *clazz;
	long pid;
	bool verbose;
} env;

static const struct bct_opt opts[] = {
	BCT_STRING('l', "language", "LANGUAGE", &env.language,
		   "language to trace: java, perl, php, python, ruby or tcl"),
	BCT_STRING('M', "method", "METHOD", &env.method,
		   "trace only calls to methods starting with this prefix"),
	BCT_STRING('C', "class", "CLAZZ", &env.clazz,
		   "trace only calls to classes starting with this prefix"),
	BCT_FLAG('v', "verbose", &env.verbose,
		 "verbose mode: print the BPF program (for debugging purposes)"),
	{ 0 },
};

static const char doc[] =
	"Trace method execution flow in high-level languages.\n"
	"\v"
	"examples:\n"
	"    uflow -l java 185                # trace Java method calls in process 185\n"
	"    uflow -l ruby 134                # trace Ruby method calls in process 134\n"
	"    uflow -M indexOf -l java 185     # trace only 'indexOf'-prefixed methods\n"
	"    uflow -C '<stdin>' -l python 180 # trace only REPL-defined methods\n"
	"    pythonflow 180                   # the same as uflow -l python 180\n";

struct flow_lang {
	const char *name;
	const char *probes[2][2]; /* entry, return; per pair */
	int class_arg, method_arg;
};

static const struct flow_lang flow_langs[] = {
	{ "java", { { "method__entry", "method__return" } }, 2, 4 },
	{ "perl", { { "sub__entry", "sub__return" } }, 2, 1 },
	{ "php", { { "function__entry", "function__return" } }, 4, 1 },
	{ "python", { { "function__entry", "function__return" } }, 1, 2 },
	{ "ruby",
	  { { "method__entry", "method__return" }, { "cmethod__entry", "cmethod__return" } },
	  1,
	  2 },
	{ "tcl", { { "proc__args", "proc__return" } }, 0, 1 },
	{ NULL },
};

static const struct flow_lang *lang;
static int npos;

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	const struct flow_lang *l;
	char *end;

	switch (key) {
	case ARGP_KEY_ARG:
		if (npos++)
			argp_error(state, "unrecognized arguments: %s", arg);
		errno = 0;
		env.pid = strtol(arg, &end, 10);
		if (errno || end == arg || *end || env.pid < 0 || env.pid > INT_MAX)
			argp_error(state, "argument pid: invalid int value: '%s'", arg);
		break;
	case ARGP_KEY_END:
		if (!npos && !env.kit.common.ebpf)
			argp_error(state, "the following arguments are required: pid");
		if (!env.language)
			break;
		for (l = flow_langs; l->name; l++)
			if (!strcmp(l->name, env.language))
				lang = l;
		if (!lang)
			argp_error(state,
				   "argument -l/--language: invalid choice: '%s' (choose from "
				   "'java', 'perl', 'php', 'python', 'ruby', 'tcl')",
				   env.language);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "pid",
	.doc = doc,
};

static const struct bct_method methods[] = {
	{ .name = "uprobe",
	  .progs = BCT_PROGS(BCT_PROG("uf_entry", "uprobe"), BCT_PROG("uf_return", "uprobe")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "method entry and return (USDT)", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_uflow = {
	.src_name = "uflow.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static struct bct_usdt_match m[2][2]; /* [pair][entry, return] */

static int add_defines(struct bct_prog *p, void *ctx)
{
	static const char *const ids[2][2] = { { "E0", "R0" }, { "E1", "R1" } };
	int err = 0, i, j;

	(void)ctx;
	if (!lang)
		return 0;
	if (lang->class_arg)
		err = bct_prog__define(p, "CLASS_ARG", "%d", lang->class_arg);
	err = err ?: bct_prog__define(p, "METHOD_ARG", "%d", lang->method_arg);
	for (i = 0; i < 2 && !err; i++)
		for (j = 0; j < 2 && !err; j++)
			if (m[i][0].n && m[i][1].n) {
				err = bct_usdt_define_args(p, ids[i][j], &m[i][j]);
				if (err == -EINVAL)
					pr_err("cannot read the arguments of the USDT probe %s in %s",
					       lang->probes[i][j], m[i][j].path);
			}
	return err;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	int err = 0, i;

	(void)ctx;
	for (i = 0; i < 2 && !err; i++) {
		if (!m[i][0].n || !m[i][1].n)
			continue;
		err = bct_usdt_attach(p, "uf_entry", 0, &m[i][0], (uint32_t)i);
		err = err ?: bct_usdt_attach(p, "uf_return", 0, &m[i][1], (uint32_t)i);
	}
	return err;
}

static struct bct_col cols[] = {
	{ "CPU", "cpu", 3, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TID", "tid", 6, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "TIME(us)", "time", 8, BCT_COL_DOUBLE, BCT_COL_LEFT, 3 },
	{ "METHOD", "method", 0, BCT_COL_STR, 0, 0 },
	{ NULL },
};

static struct timespec t0;

static bool has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return k <= n && !strncmp(s, prefix, k);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct uflow_event *e = data;
	char text[2 * UFLOW_STR_LEN + 512];
	uint64_t depth, i;
	struct timespec now;
	size_t o = 0;

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	if (env.clazz && !has_prefix(e->clazz, strnlen(e->clazz, UFLOW_STR_LEN), env.clazz))
		return 0;
	if (env.method && !has_prefix(e->method, strnlen(e->method, UFLOW_STR_LEN), env.method))
		return 0;
	depth = e->depth & ~UFLOW_RETURN;
	for (i = 1; i < depth && o + 2 < 256; i++) {
		text[o++] = ' ';
		text[o++] = ' ';
	}
	snprintf(text + o, sizeof(text) - o, "%s%.*s.%.*s", e->depth & UFLOW_RETURN ? "<- " : "-> ",
		 UFLOW_STR_LEN, e->clazz, UFLOW_STR_LEN, e->method);
	clock_gettime(CLOCK_MONOTONIC, &now);
	bct_out__uint(out, e->cpu);
	bct_out__uint(out, e->pid_tgid >> 32);
	bct_out__uint(out, (uint32_t)e->pid_tgid);
	bct_out__double(out, (double)(now.tv_sec - t0.tv_sec) +
				     (double)(now.tv_nsec - t0.tv_nsec) / 1e9);
	bct_out__str(out, text);
	return bct_out__end(out);
}

int cmd_uflow(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	const char *alias = ulang_from_argv0(argv[0], "flow");
	char banner[128];
	int rc, i, j, found = 0;

	if (alias)
		env.language = alias;
	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!lang && !env.kit.common.ebpf) {
		printf("No language detected; use -l to trace a language.\n");
		return 1;
	}
	if (lang && (!env.kit.common.ebpf || env.pid)) {
		for (i = 0; i < 2 && lang->probes[i][0]; i++)
			if (!bct_usdt_find((pid_t)env.pid, NULL, lang->probes[i][0], &m[i][0]) &&
			    !bct_usdt_find((pid_t)env.pid, NULL, lang->probes[i][1], &m[i][1]))
				found++;
		if (!found) {
			bct_usdt_match_free(&m[0][0]);
			ulang_find_probe((pid_t)env.pid, lang->name, lang->probes[0][0], &m[0][0]);
			return 1;
		}
	}
	if (env.pid)
		env.kit.filter.pid = (uint32_t)env.pid;
	if (bct_session__init(&s, &env.kit, &needs_uflow, NULL))
		return 1;
	if (env.verbose && !env.kit.common.ebpf && bct_session__print_source(&s)) {
		bct_session__stop(&s);
		return 1;
	}
	snprintf(banner, sizeof(banner),
		 "Tracing method calls in %s process %ld... Ctrl-C to quit.",
		 lang ? lang->name : "", env.pid);
	tool.banner = banner;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = bct_events_run(&s, &tool);
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			bct_usdt_match_free(&m[i][j]);
	return rc;
}
