// SPDX-License-Identifier: Apache-2.0
/*
 * ugc: garbage collections of a language runtime (Java, Node.js, Python, Ruby) through its
 * USDT probes, one line per collection with its duration.
 *
 * Interface of BCC's ugc by Sasha Goldshtein; written anew. BCC's names javagc, nodegc,
 * pythongc and rubygc run this tool with their language. Unlike BCC's, whose descriptions
 * print as "None", each collection is described as BCC's code means to.
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
#include "ugc.h"
#include "ulang.h"
#include "usdt_args.h"

static struct ugc_env {
	struct bct_env kit;
	const char *language;
	const char *filter; /* -F */
	long pid, minimum;
	bool verbose, ms;
} env;

static const struct bct_opt opts[] = {
	BCT_STRING('l', "language", "LANGUAGE", &env.language,
		   "language to trace: java, node, python or ruby"),
	BCT_FLAG('v', "verbose", &env.verbose,
		 "verbose mode: print the BPF program (for debugging purposes)"),
	BCT_FLAG('m', "milliseconds", &env.ms,
		 "report times in milliseconds (default is microseconds)"),
	BCT_CUSTOM('M', "minimum", "MINIMUM",
		   "display only GCs longer than this many milliseconds"),
	BCT_STRING('F', "filter", "FILTER", &env.filter,
		   "display only GCs whose description contains this text"),
	{ 0 },
};

static const char doc[] = "Summarize garbage collection events in high-level languages.\n"
			  "\v"
			  "examples:\n"
			  "    ugc -l java 185        # trace Java GCs in process 185\n"
			  "    ugc -l ruby 1344 -m    # trace Ruby GCs reporting in ms\n"
			  "    ugc -M 10 -l java 185  # trace only Java GCs longer than 10ms\n"
			  "    pythongc 2020          # the same as ugc -l python 2020\n";

struct gc_pair {
	const char *begin, *end;
};

struct gc_lang {
	const char *name;
	struct gc_pair pairs[2];
};

static const struct gc_lang gc_langs[] = {
	{ "java",
	  { { "mem__pool__gc__begin", "mem__pool__gc__end" }, { "gc__begin", "gc__end" } } },
	{ "node", { { "gc__start", "gc__done" } } },
	{ "python", { { "gc__start", "gc__done" } } },
	{ "ruby",
	  { { "gc__mark__begin", "gc__mark__end" }, { "gc__sweep__begin", "gc__sweep__end" } } },
	{ NULL },
};

static const struct gc_lang *lang;
static int npos;

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	const struct gc_lang *l;
	char *end;
	long v;

	switch (key) {
	case 'M':
	case ARGP_KEY_ARG:
		if (key == ARGP_KEY_ARG && npos++)
			argp_error(state, "unrecognized arguments: %s", arg);
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < 0 || v > INT_MAX)
			argp_error(state, "argument %s: invalid int value: '%s'",
				   key == 'M' ? "-M/--minimum" : "pid", arg);
		if (key == 'M')
			env.minimum = v;
		else
			env.pid = v;
		break;
	case ARGP_KEY_END:
		if (!npos && !env.kit.common.ebpf)
			argp_error(state, "the following arguments are required: pid");
		if (!env.language)
			break;
		for (l = gc_langs; l->name; l++)
			if (!strcmp(l->name, env.language))
				lang = l;
		if (!lang)
			argp_error(state,
				   "argument -l/--language: invalid choice: '%s' (choose from "
				   "'java', 'node', 'python', 'ruby')",
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
	  .progs = BCT_PROGS(BCT_PROG("ugc_begin", "uprobe"), BCT_PROG("ugc_end", "uprobe")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "GC begin and end (USDT)", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_ugc = {
	.src_name = "ugc.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* Every pair's probes; a pair the runtime lacks is skipped, as BCC's does. */
static struct bct_usdt_match m_begin[2], m_end[2];

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	(void)ctx;
	if (env.minimum)
		err = bct_prog__define(p, "MIN_NS", "%lluULL",
				       (unsigned long long)env.minimum * 1000000ULL);
	if (!err && lang) {
		err = bct_prog__define(p,
				       !strcmp(lang->name, "java")     ? "LANG_JAVA"
				       : !strcmp(lang->name, "node")   ? "LANG_NODE"
				       : !strcmp(lang->name, "python") ? "LANG_PYTHON"
								       : "LANG_RUBY",
				       NULL);
	}
	if (!err && m_begin[0].n && m_end[0].n) {
		err = bct_usdt_define_args(p, "B0", &m_begin[0]);
		err = err ?: bct_usdt_define_args(p, "E0", &m_end[0]);
		if (err == -EINVAL)
			pr_err("cannot read the arguments of the USDT probe %s in %s",
			       lang->pairs[0].begin, m_begin[0].path);
	}
	return err;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	int err = 0, i;

	(void)ctx;
	for (i = 0; i < 2 && !err; i++) {
		if (!m_begin[i].n || !m_end[i].n)
			continue;
		err = bct_usdt_attach(p, "ugc_begin", 0, &m_begin[i], (uint32_t)i);
		err = err ?: bct_usdt_attach(p, "ugc_end", 0, &m_end[i], (uint32_t)i);
	}
	return err;
}

static struct bct_col cols[] = {
	{ "START", "start", 8, BCT_COL_DOUBLE, BCT_COL_LEFT, 3 },
	{ "TIME (us)", "time_us", 8, BCT_COL_DOUBLE, BCT_COL_LEFT, 2 },
	{ "DESCRIPTION", "description", 0, BCT_COL_STR, 0, 0 },
	{ NULL },
};

static struct timespec t0;

static void describe(const struct ugc_event *e, char *buf, size_t sz)
{
	static const struct {
		const char *desc;
		unsigned int bit;
	} node_types[] = { { "GC scavenge", 1 },
			   { "GC mark-sweep-compact", 2 },
			   { "GC incremental mark", 4 },
			   { "GC weak callbacks", 8 } };
	size_t i, o = 0;

	buf[0] = '\0';
	if (!strcmp(lang->name, "java")) {
		if (e->probe_index == 0)
			snprintf(buf, sz, "%.32s %.32s used=%llu->%llu max=%llu->%llu", e->string1,
				 e->string2, (unsigned long long)e->field1,
				 (unsigned long long)e->field3, (unsigned long long)e->field2,
				 (unsigned long long)e->field4);
		else
			snprintf(buf, sz, "no additional info available");
	} else if (!strcmp(lang->name, "node")) {
		for (i = 0; i < sizeof(node_types) / sizeof(node_types[0]) && o < sz; i++)
			if (e->field1 & node_types[i].bit)
				o += (size_t)snprintf(buf + o, sz - o, "%s%s", o ? ", " : "",
						      node_types[i].desc);
	} else if (!strcmp(lang->name, "python")) {
		snprintf(buf, sz, "gen %lld GC collected %lld objects", (long long)e->field1,
			 (long long)e->field2);
	} else {
		snprintf(buf, sz, "%s", e->probe_index == 0 ? "GC mark stage" : "GC sweep stage");
	}
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct ugc_event *e = data;
	struct timespec now;
	char desc[160];

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	describe(e, desc, sizeof(desc));
	if (env.filter && !strstr(desc, env.filter))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	bct_out__double(out, (double)(now.tv_sec - t0.tv_sec) +
				     (double)(now.tv_nsec - t0.tv_nsec) / 1e9);
	bct_out__double(out, (double)e->elapsed_ns / (env.ms ? 1e6 : 1e3));
	bct_out__str(out, desc);
	return bct_out__end(out);
}

int cmd_ugc(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	const char *alias = ulang_from_argv0(argv[0], "gc");
	char banner[128];
	int rc, i, found = 0;

	if (alias)
		env.language = alias;
	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!lang && !env.kit.common.ebpf) {
		/* BCC guesses from the process; here the language is given */
		printf("No language detected; use -l to trace a language.\n");
		return 1;
	}
	if (lang && (!env.kit.common.ebpf || env.pid)) {
		for (i = 0; i < 2 && lang->pairs[i].begin; i++)
			if (!bct_usdt_find((pid_t)env.pid, NULL, lang->pairs[i].begin,
					   &m_begin[i]) &&
			    !bct_usdt_find((pid_t)env.pid, NULL, lang->pairs[i].end, &m_end[i]))
				found++;
		if (!found) {
			bct_usdt_match_free(&m_begin[0]);
			ulang_find_probe((pid_t)env.pid, lang->name, lang->pairs[0].begin,
					 &m_begin[0]);
			return 1;
		}
	}
	if (env.ms) {
		cols[1].name = "TIME (ms)";
		cols[1].key = "time_ms";
	}
	if (env.pid)
		env.kit.filter.pid = (uint32_t)env.pid;
	if (bct_session__init(&s, &env.kit, &needs_ugc, NULL))
		return 1;
	if (env.verbose && !env.kit.common.ebpf && bct_session__print_source(&s)) {
		bct_session__stop(&s);
		return 1;
	}
	snprintf(banner, sizeof(banner),
		 "Tracing garbage collections in %s process %ld... Ctrl-C to quit.",
		 lang ? lang->name : "", env.pid);
	tool.banner = banner;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = bct_events_run(&s, &tool);
	for (i = 0; i < 2; i++) {
		bct_usdt_match_free(&m_begin[i]);
		bct_usdt_match_free(&m_end[i]);
	}
	return rc;
}
