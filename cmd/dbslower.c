// SPDX-License-Identifier: Apache-2.0
/*
 * dbslower, mysqld_qslower: database queries slower than a threshold, one line each, from
 * the server's query__start and query__done USDT probes (MySQL, PostgreSQL).
 *
 * Interfaces of BCC's dbslower by Sasha Goldshtein and mysqld_qslower by Brendan Gregg;
 * written anew. Without -p, the servers are found as BCC finds them (pidof mysqld,
 * pidof postgres); when there is none, one line says so and the tool exits 1. dbslower mysql
 * -x PATH (without -p): a uprobe and a uretprobe on the first function of PATH whose name
 * matches BCC's \w+dispatch_command\w+, in every process running PATH; a name holding
 * COM_DATA is MySQL 5.7's, else 5.6's (bpf-src/db.bpf.c).
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
#include "elfsym.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "tool.h"
#include "uprobe.h"

static struct dbslower_env {
	struct bct_env kit;
	const char *db, *path;
	struct db_pids pids;
	long threshold_ms;
	double min_ms; /* mysqld_qslower */
	const char *min_ms_text;
	bool verbose, qslower, pid_opt;
	char func[512]; /* -x: the dispatch_command found in path */
	char exe[PATH_MAX]; /* -x: path as opened */
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
	"    dbslower mysql -p 480 -v     # trace MySQL queries & print the BPF program\n"
	"    dbslower mysql -x $(which mysqld)  # trace MySQL queries with uprobes\n";

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

static const struct bct_method methods_x[] = {
	{ .name = "uprobe",
	  .progs = BCT_PROGS(BCT_PROG("db_query_start", "uprobe"),
			     BCT_PROG("db_query_done", "uretprobe")) },
	{ NULL },
};

static const struct bct_hook hooks_x[] = {
	{ "MySQL dispatch_command entry and return", methods_x, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_dbslower = {
	.src_name = "db.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { "-x PATH", hooks_x }, { NULL } },
};

/* BCC's re.match(r"\w+dispatch_command\w+", name): word characters, then the word inside */
static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static int match_dispatch(const char *name, uint64_t off, void *ctx)
{
	static const char word[] = "dispatch_command";
	const char *s;
	size_t i;

	(void)off;
	(void)ctx;
	for (s = strstr(name + 1, word); s; s = strstr(s + 1, word)) {
		for (i = 0; name + i < s && word_char(name[i]); i++)
			;
		if (name + i == s && word_char(s[sizeof(word) - 1])) {
			snprintf(env.func, sizeof(env.func), "%s", name);
			return 1;
		}
	}
	return 0;
}

/* -x: the function and the mode, as BCC picks them; 0, or 1 after one line. */
static int find_dispatch(void)
{
	int err;

	/* a bare name is a file in the current directory, not a library name */
	snprintf(env.exe, sizeof(env.exe), "%s%s", strchr(env.path, '/') ? "" : "./", env.path);
	err = bct_elf_for_each_func(env.exe, match_dispatch, NULL);
	if (err == -ENOEXEC) {
		pr_err("cannot read %s: not an ELF file (give the path of mysqld)", env.path);
		return 1;
	}
	if (err < 0) {
		pr_err("cannot read %s: %s", env.path, strerror(-err));
		return 1;
	}
	if (!err) {
		pr_err("Can't find function 'dispatch_command' in %s", env.path);
		return 1;
	}
	return 0;
}

static bool uprobe_mode(void)
{
	return env.func[0] != '\0';
}

static struct db_probes probes;

static int add_defines(struct bct_prog *p, void *ctx)
{
	uint64_t ns = env.qslower ? (uint64_t)(env.min_ms * 1e6)
				  : (uint64_t)env.threshold_ms * 1000000ULL;

	(void)ctx;
	if (bct_prog__define(p, "THRESHOLD_NS", "%lluULL", (unsigned long long)ns) ||
	    (env.qslower && bct_prog__define(p, "QUERY_MAX", "128")))
		return -ENOMEM;
	if (uprobe_mode())
		return bct_prog__define(
			p, strstr(env.func, "COM_DATA") ? "DB_MYSQL57" : "DB_MYSQL56", "1");
	return db_define_args(p, &probes);
}

static int after_load(struct bct_prog *p, void *ctx)
{
	struct bct_uprobe u = { .prog = "db_query_start", .lib = env.exe, .sym = env.func };
	int err;

	(void)ctx;
	if (!uprobe_mode())
		return db_attach(p, &probes);
	err = bct_uprobe_attach(p, &u);
	if (err)
		return err;
	u.prog = "db_query_done";
	u.ret = true;
	return bct_uprobe_attach(p, &u);
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
	if (env.path && !qslower && !env.pids.n && env.db) {
		/* BCC: -x takes uprobes only without -p, and only for MySQL */
		if (strcmp(env.db, "mysql")) {
			pr_err("Sorry at the moment PostgreSQL supports only USDT");
			return 1;
		}
		if (find_dispatch())
			return 1;
	}
	if (uprobe_mode()) {
		/* no servers to find: every process running PATH */
	} else if (!env.kit.common.ebpf || env.pids.n) {
		if (!env.pids.n && db_find_servers(qslower ? "mysql" : env.db, &env.pids))
			return 1;
		if (db_find_probes(&env.pids, &probes))
			return 1;
	}
	if (bct_session__init(&s, &env.kit, &needs_dbslower, uprobe_mode() ? hooks_x : NULL)) {
		db_probes_free(&probes);
		return 1;
	}
	if (env.verbose && !env.kit.common.ebpf && bct_session__print_source(&s)) {
		bct_session__stop(&s);
		db_probes_free(&probes);
		return 1;
	}
	db_pids_list(&env.pids, list, sizeof(list));
	if (uprobe_mode())
		snprintf(banner, sizeof(banner),
			 "Tracing database queries for application %s slower than %ld ms...",
			 env.path, env.threshold_ms);
	else if (qslower)
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
