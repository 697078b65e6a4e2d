// SPDX-License-Identifier: Apache-2.0
/*
 * dbstat: a histogram of MySQL/PostgreSQL query latencies, from the servers' query__start and
 * query__done USDT probes, at Ctrl-C or every -i seconds.
 *
 * Interface of BCC's dbstat by Sasha Goldshtein; written anew. The BPF side is dbslower's
 * (bpf-src/db.bpf.c with DB_HIST); the servers and probes are found as dbslower finds them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dbtool.h"
#include "histtool.h"
#include "log.h"
#include "prog.h"
#include "tool.h"

static struct dbstat_env {
	struct bct_env kit;
	const char *db;
	struct db_pids pids;
	long threshold_ms, interval;
	bool verbose, us, pid_opt;
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('v', "verbose", &env.verbose, "print the BPF program"),
	BCT_CUSTOM('p', "pid", "PID", "the pid(s) to trace"),
	BCT_CUSTOM('m', "threshold", "THRESHOLD", "trace queries slower than this threshold (ms)"),
	BCT_FLAG('u', "microseconds", &env.us,
		 "display query latencies in microseconds (default: milliseconds)"),
	BCT_CUSTOM('i', "interval", "INTERVAL", "print summary at this interval (seconds)"),
	{ 0 },
};

static const char doc[] =
	"Display a histogram of MySQL/PostgreSQL query latencies (USDT probes).\n"
	"\v"
	"examples:\n"
	"    dbstat postgres     # display a histogram of PostgreSQL query latencies\n"
	"    dbstat mysql -v     # display MySQL latencies and print the BPF program\n"
	"    dbstat mysql -u     # display query latencies in microseconds (default: ms)\n"
	"    dbstat mysql -m 5   # trace only queries slower than 5ms\n"
	"    dbstat mysql -p 408 # trace queries in a specific process\n";

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
	case 'i':
		env.interval = db_parse_int(state, "-i/--interval", arg);
		if (!env.interval)
			argp_error(state, "argument -i/--interval: must be positive: '%s'", arg);
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
			db_pids_add(state, &env.pids, arg);
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

const struct bct_needs needs_dbstat = {
	.src_name = "db.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

static struct db_probes probes;

static int add_defines(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	if (bct_prog__define(p, "DB_HIST", NULL) ||
	    bct_prog__define(p, "THRESHOLD_NS", "%lluULL",
			     (unsigned long long)env.threshold_ms * 1000000ULL) ||
	    bct_prog__define(p, "SCALE", "%d", env.us ? 1000 : 1000000))
		return -ENOMEM;
	return db_define_args(p, &probes);
}

static int after_load(struct bct_prog *p, void *ctx)
{
	(void)ctx;
	return db_attach(p, &probes);
}

static void after_text(void *ctx, FILE *out, const struct bct_hist_entry *v, size_t n)
{
	(void)ctx;
	(void)v;
	(void)n;
	fputc('\n', out);
}

int cmd_dbstat(int argc, char **argv)
{
	struct bct_hist_tool tool = { .time_fmt = "[%H:%M:%S]", .after_text = after_text };
	struct bct_session s = { .add_defines = add_defines, .after_load = after_load };
	char banner[512], list[256];
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (!env.kit.common.ebpf || env.pids.n) {
		if (!env.pids.n && db_find_servers(env.db, &env.pids))
			return 1;
		if (db_find_probes(&env.pids, &probes))
			return 1;
	}
	env.kit.timestamp = true;
	env.kit.interval = (uint64_t)env.interval;
	tool.unit = env.us ? "query latency (us)" : "query latency (ms)";
	tool.serve_unit = env.us ? "usecs" : "msecs"; /* bcctool_dbstat_seconds */
	db_pids_list(&env.pids, list, sizeof(list));
	snprintf(banner, sizeof(banner),
		 "Tracing database queries for pids %s slower than %ld ms...", list,
		 env.threshold_ms);
	tool.banner = banner;
	if (bct_session__init(&s, &env.kit, &needs_dbstat, NULL)) {
		db_probes_free(&probes);
		return 1;
	}
	if (env.verbose && !env.kit.common.ebpf && bct_session__print_source(&s)) {
		bct_session__stop(&s);
		db_probes_free(&probes);
		return 1;
	}
	rc = bct_hist_run(&s, &tool);
	db_probes_free(&probes);
	return rc;
}
