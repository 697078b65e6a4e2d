// SPDX-License-Identifier: Apache-2.0
/*
 * uthreads: thread creation and destruction in one process: its pthread_create() calls and,
 * for Java, the JVM's thread__start and thread__stop USDT probes.
 *
 * Interface of BCC's uthreads by Sasha Goldshtein; written anew. BCC's javathreads runs this
 * tool with -l java. BCC reads glibc's pthread_start USDT probe, which Debian's glibc does not
 * have: here pthread_create() itself is traced (a uprobe), so a line comes from the creating
 * thread, as BCC's did.
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
#include "stack.h"
#include "tool.h"
#include "ulang.h"
#include "uprobe.h"
#include "usdt_args.h"
#include "uthreads.h"

static struct uthreads_env {
	struct bct_env kit;
	const char *language;
	long pid;
	bool verbose;
} env;

static const struct bct_opt opts[] = {
	BCT_STRING('l', "language", "LANGUAGE", &env.language,
		   "language to trace: c, java or none (none for pthreads only)"),
	BCT_FLAG('v', "verbose", &env.verbose,
		 "verbose mode: print the BPF program (for debugging purposes)"),
	{ 0 },
};

static const char doc[] = "Trace thread creation/destruction events in high-level languages.\n"
			  "\v"
			  "examples:\n"
			  "    uthreads -l java 185    # trace Java threads in process 185\n"
			  "    uthreads -l none 12245  # trace only pthreads in process 12245\n"
			  "    javathreads 185         # the same as uthreads -l java 185\n";

static int npos;
static bool java;

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;
	long v;

	switch (key) {
	case ARGP_KEY_ARG:
		if (npos++)
			argp_error(state, "unrecognized arguments: %s", arg);
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < 0 || v > INT_MAX)
			argp_error(state, "argument pid: invalid int value: '%s'", arg);
		env.pid = v;
		break;
	case ARGP_KEY_END:
		if (!npos && !env.kit.common.ebpf)
			argp_error(state, "the following arguments are required: pid");
		if (env.language && strcmp(env.language, "c") && strcmp(env.language, "java") &&
		    strcmp(env.language, "none"))
			argp_error(state,
				   "argument -l/--language: invalid choice: '%s' (choose from 'c', "
				   "'java', 'none')",
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
	  .progs = BCT_PROGS(BCT_PROG("uthreads_pthread", "uprobe"),
			     BCT_PROG("uthreads_start", "uprobe"),
			     BCT_PROG("uthreads_stop", "uprobe")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "pthread_create() and Java thread start/stop (uprobe, USDT)", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_uthreads = {
	.src_name = "uthreads.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static struct bct_usdt_match m_start, m_stop;

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	(void)ctx;
	if (m_start.n)
		err = bct_usdt_define_args(p, "TS", &m_start);
	if (!err && m_stop.n)
		err = bct_usdt_define_args(p, "TE", &m_stop);
	if (err == -EINVAL)
		pr_err("cannot read the arguments of the JVM's USDT probe thread__start in %s",
		       m_start.path);
	return err;
}

static int after_load(struct bct_prog *p, void *ctx)
{
	struct bct_uprobe u = { .prog = "uthreads_pthread",
				.lib = "c",
				.sym = "pthread_create",
				.pid = (pid_t)env.pid };
	int err;

	(void)ctx;
	err = bct_uprobe_attach(p, &u);
	if (!err && m_start.n)
		err = bct_usdt_attach(p, "uthreads_start", (pid_t)env.pid, &m_start, 0);
	if (!err && m_stop.n)
		err = bct_usdt_attach(p, "uthreads_stop", (pid_t)env.pid, &m_stop, 0);
	return err;
}

static struct bct_col cols[] = {
	{ "TIME", "time", 8, BCT_COL_DOUBLE, BCT_COL_LEFT, 3 },
	{ "ID", "id", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "TYPE", "type", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "DESCRIPTION", "description", 30, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ NULL },
};

static struct timespec t0;
static struct bct_usyms *usyms;

/* BCC's sym(addr, pid, show_module=True): "routine [module]" */
static void routine_name(pid_t pid, uint64_t addr, char *buf, size_t sz)
{
	char frame[512], *plus, *mod;

	bct_usyms_frame(usyms, pid, addr, frame, sizeof(frame));
	plus = strstr(frame, "+0x");
	mod = strstr(frame, " [");
	if (plus && mod && plus < mod)
		memmove(plus, mod, strlen(mod) + 1);
	snprintf(buf, sz, "%s", frame);
}

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	static const char *const types[] = { "pthread", "start", "stop" };
	const struct uthreads_event *e = data;
	char id[48], desc[600];
	struct timespec now;
	size_t n;

	(void)ctx;
	if (size < sizeof(*e) || e->type > UTHREADS_STOP)
		return 0;
	if (e->type == UTHREADS_PTHREAD) {
		snprintf(id, sizeof(id), "%llu", (unsigned long long)e->native_id);
		routine_name((pid_t)e->pid, e->runtime_id, desc, sizeof(desc));
	} else {
		snprintf(id, sizeof(id), "R=%llu/N=%llu", (unsigned long long)e->runtime_id,
			 (unsigned long long)e->native_id);
		n = strnlen(e->name, sizeof(e->name) - 1);
		if (e->name_len < n)
			n = e->name_len;
		memcpy(desc, e->name, n);
		desc[n] = '\0';
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	bct_out__double(out, (double)(now.tv_sec - t0.tv_sec) +
				     (double)(now.tv_nsec - t0.tv_nsec) / 1e9);
	bct_out__str(out, id);
	bct_out__str(out, types[e->type]);
	bct_out__str(out, desc);
	return bct_out__end(out);
}

int cmd_uthreads(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	const char *alias = ulang_from_argv0(argv[0], "threads");
	const char *lang;
	char banner[160];
	int rc;

	if (alias)
		env.language = alias;
	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	/* BCC detects the language from the process: here, a JVM is a process with its probes */
	java = env.language ? !strcmp(env.language, "java") : false;
	if (!env.language && env.pid &&
	    !bct_usdt_find((pid_t)env.pid, NULL, "thread__start", &m_start))
		java = true;
	if (java && (!env.kit.common.ebpf || env.pid)) {
		if (!m_start.n &&
		    ulang_find_probe((pid_t)env.pid, "java", "thread__start", &m_start))
			return 1;
		if (ulang_find_probe((pid_t)env.pid, "java", "thread__stop", &m_stop)) {
			bct_usdt_match_free(&m_start);
			return 1;
		}
	}
	lang = java ? "java" : env.language && !strcmp(env.language, "c") ? "c" : "none";
	if (env.pid)
		env.kit.filter.pid = (uint32_t)env.pid;
	usyms = bct_usyms_new();
	if (!usyms) {
		pr_err("cannot allocate the symbol cache: %s", strerror(ENOMEM));
		return 1;
	}
	if (bct_session__init(&s, &env.kit, &needs_uthreads, NULL)) {
		rc = 1;
		goto out;
	}
	if (env.verbose && !env.kit.common.ebpf && bct_session__print_source(&s)) {
		bct_session__stop(&s);
		rc = 1;
		goto out;
	}
	snprintf(banner, sizeof(banner),
		 "Tracing thread events in process %ld (language: %s)... Ctrl-C to quit.", env.pid,
		 lang);
	tool.banner = banner;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = bct_events_run(&s, &tool);
out:
	bct_usyms_free(usyms);
	bct_usdt_match_free(&m_start);
	bct_usdt_match_free(&m_stop);
	return rc;
}
