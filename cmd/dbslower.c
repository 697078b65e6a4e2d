// SPDX-License-Identifier: Apache-2.0
/*
 * dbslower, mysqld_qslower: database queries slower than a threshold, one line each, from
 * the server's query__start and query__done USDT probes (MySQL, PostgreSQL).
 *
 * Interfaces of BCC's dbslower by Sasha Goldshtein and mysqld_qslower by Brendan Gregg;
 * written anew. dbslower's -x mode (uprobes on MySQL's dispatch_command) is not offered:
 * see the man page. Without -p, the servers are found as BCC finds them (pidof mysqld,
 * pidof postgres); when there is none, one line says so and the tool exits 1.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include <linux/types.h>

#include "db.h"
#include "dbtool.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "tool.h"

static struct dbslower_env {
	struct bct_env kit;
	const char *db, *path;
	struct db_pids pids;
	long threshold_ms;
	double min_ms; /* mysqld_qslower */
	const char *min_ms_text;
	bool verbose, qslower, pid_opt;
} env = { .threshold_ms = 1 };

static const struct bct_opt opts[] = {
	BCT_FLAG('v', "verbose", &env.verbose, "print the BPF program"),
	BCT_CUSTOM('p', "pid", "PID", "the pid(s) to trace"),
	BCT_STRING('x', "exe", "PATH", &env.path, "path to binary"),
	BCT_CUSTOM('m', "threshold", "THRESHOLD", "trace queries slower than this threshold (ms)"),
	{ 0 },
};

static const char doc[] =
	"Trace database queries slower than a threshold (MySQL, PostgreSQL USDT probes).\n"
	"\v"
	"examples:\n"
	"    dbslower postgres            # trace PostgreSQL queries slower than 1ms\n"
	"    dbslower postgres -p 188 322 # trace specific PostgreSQL processes\n"
	"    dbslower mysql -p 480 -m 30  # trace MySQL queries slower than 30ms\n"
	"    dbslower mysql -p 480 -v     # trace MySQL queries & print the BPF program\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		env.pid_opt = true;
		db_pids_add(state, &env.pids, arg);
		break;
	case 'm':
		env.threshold_ms = db_parse_int(state, "-m/--threshold", arg);
		break;
	case ARGP_KEY_ARG:
		if (!env.db) {
			if (strcmp(arg, "mysql") && strcmp(arg, "postgres"))
				argp_error(
					state,
					"argument db: invalid choice: '%s' (choose from 'mysql', "
					"'postgres')",
					arg);
			env.db = arg;
		} else if (env.pid_opt) {
			db_pids_add(state, &env.pids, arg); /* -p PID PID... */
		} else {
			argp_error(state, "unrecognized arguments: %s", arg);
		}
		break;
	case ARGP_KEY_END:
		if (!env.db && !env.kit.common.ebpf)
			argp_error(state, "the following arguments are required: db");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "{mysql,postgres}",
	.doc = doc,
};

static const char qs_doc[] = "Trace MySQL server queries slower than a threshold.\n"
			     "\v"
			     "USAGE: mysqld_qslower PID [min_ms]\n";

static error_t qs_parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case ARGP_KEY_ARG:
		if (!env.pids.n) {
			db_pids_add(state, &env.pids, arg);
		} else if (!env.min_ms_text) {
			env.min_ms = strtod(arg, &end);
			if (end == arg || *end || env.min_ms < 0)
				argp_error(state, "argument min_ms: invalid float value: '%s'",
					   arg);
			env.min_ms_text = arg;
		} else {
			argp_error(state, "unrecognized arguments: %s", arg);
		}
		break;
	case ARGP_KEY_END:
		if (!env.pids.n && !env.kit.common.ebpf)
			argp_error(state, "USAGE: mysqld_qslower PID [min_ms]");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_opt qs_opts[] = { { 0 } };

static const struct bct_tool_args qs_args = {
	.opts = qs_opts,
	.parser = qs_parse_arg,
	.args_doc = "PID [min_ms]",
	.doc = qs_doc,
};

static const struct bct_method methods[] = {
	{ .name = "uprobe",
	  .progs = BCT_PROGS(BCT_PROG("db_query_start", "uprobe"),
			     BCT_PROG("db_query_done", "uprobe")) },
	{ NULL },
};

static const struct bct_hook hooks[] = {
	{ "query start and done (USDT)", methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_dbslower = {
	.src_name = "db.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static struct db_probes probes;

static int add_defines(struct bct_prog *p, void *ctx)
{
	uint64_t ns = env.qslower ? (uint64_t)(env.min_ms * 1e6)
				  : (uint64_t)env.threshold_ms * 1000000ULL;

	(void)ctx;
	if (bct_prog__define(p, "THRESHOLD_NS", "%lluULL", (unsigned long long)ns) ||
	    (env.qslower && bct_prog__define(p, "QUERY_MAX", "128")))
		return -ENOMEM;
	return db_define_args(p, &probes);
}

static int after_load(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	return db_attach(p, &probes);
}

static struct bct_col cols[] = {
	{ "TIME(s)", "time_s", 14, BCT_COL_DOUBLE, BCT_COL_LEFT, 6 },
	{ "PID", "pid", 7, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "MS", "ms", 8, BCT_COL_DOUBLE, 0, 3 },
	{ "QUERY", "query", 0, BCT_COL_STR, 0, 0 },
	{ NULL },
};

static uint64_t start_ns;

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct db_event *e = data;
	char q[DB_QUERY_MAX + 1];

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	if (env.qslower && !start_ns)
		start_ns = e->ts; /* mysqld_qslower: times from the first query */
	memcpy(q, e->query, DB_QUERY_MAX);
	q[DB_QUERY_MAX] = '\0';
	bct_out__double(out, ((double)e->ts - (double)start_ns) / 1e9);
	bct_out__int(out, e->pid);
	bct_out__double(out, (double)e->delta_ns / 1e6);
	bct_out__str(out, q);
	return bct_out__end(out);
}

static int run(int argc, char **argv, bool qslower)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	char banner[512], list[256];
	struct timespec now;
	int rc;

	env.qslower = qslower;
	rc = bct_tool_parse(qslower ? &qs_args : &args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.path && !qslower) {
		pr_err("-x (uprobes on MySQL's dispatch_command) is not supported: trace the "
		       "server's USDT probes with -p PID");
		return 1;
	}
	if (!env.kit.common.ebpf || env.pids.n) {
		if (!env.pids.n && db_find_servers(qslower ? "mysql" : env.db, &env.pids))
			return 1;
		if (db_find_probes(&env.pids, &probes))
			return 1;
	}
	if (bct_session__init(&s, &env.kit, &needs_dbslower, NULL)) {
		db_probes_free(&probes);
		return 1;
	}
	if (env.verbose && !env.kit.common.ebpf && bct_session__print_source(&s)) {
		bct_session__stop(&s);
		db_probes_free(&probes);
		return 1;
	}
	db_pids_list(&env.pids, list, sizeof(list));
	if (qslower)
		snprintf(banner, sizeof(banner),
			 "Tracing MySQL server queries for PID %s slower than %s ms...", list,
			 env.min_ms_text ? env.min_ms_text : "1");
	else
		snprintf(banner, sizeof(banner),
			 "Tracing database queries for pids %s slower than %ld ms...", list,
			 env.threshold_ms);
	tool.banner = banner;
	clock_gettime(CLOCK_MONOTONIC, &now);
	start_ns = qslower ? 0 : (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	rc = bct_events_run(&s, &tool);
	db_probes_free(&probes);
	return rc;
}

/* mysqld_qslower runs this function too (cmd/cmdlist.h): its name picks its interface */
int cmd_dbslower(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/');

	name = name ? name + 1 : argv[0];
	if (!strncmp(name, "bcctool-", 8))
		name += 8;
	if (!strcmp(name, "mysqld_qslower")) {
		env.min_ms = 1;
		return run(argc, argv, true);
	}
	return run(argc, argv, false);
}
