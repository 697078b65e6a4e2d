// SPDX-License-Identifier: Apache-2.0
/* The tool kit's options (one argp for every tool) and session (program, filters, child). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "disk.h"
#include "log.h"
#include "prog.h"
#include "signals.h"
#include "testhook.h"
#include "tool.h"

/* --- options ------------------------------------------------------------------------------ */

/* Keys of the shared options offered long-only (argp keys above 0xff have no short form). */
enum {
	K_PID = 0x2000,
	K_TID,
	K_UID,
	K_COMM,
	K_DISK,
	K_CGROUP,
	K_CGROUPMAP,
	K_MNTNSMAP,
	K_DURATION,
	K_TIMESTAMP,
	K_EXEC,
};

#define MAX_SHARED 12
#define MAX_OWN 40

/* One parse per process (a tool runs once): the argp being parsed and its inputs. */
static struct parse_state {
	const struct bct_tool_args *args;
	struct bct_env *env;
	struct argp_option shared[MAX_SHARED + 1];
	struct argp_option own[MAX_OWN + 1];
} ps;

static int key_of(char letter, int internal)
{
	return letter > BCT_LONG_ONLY ? letter : internal;
}

static bool is_key(int key, char letter, int internal)
{
	return letter && key == key_of(letter, internal);
}

static void add_opt(size_t *n, char letter, int internal, const char *name, const char *arg,
		    const char *doc)
{
	if (!letter || *n == MAX_SHARED)
		return;
	ps.shared[*n] = (struct argp_option){ name, key_of(letter, internal), arg, 0, doc, 0 };
	(*n)++;
}

static void build_shared(const struct bct_tool_opts *o)
{
	size_t n = 0;

	add_opt(&n, o->pid, K_PID, "pid", "PID", "trace this PID only");
	add_opt(&n, o->tid, K_TID, "tid", "TID", "trace this TID only");
	add_opt(&n, o->uid, K_UID, "uid", "UID", "trace this UID only");
	add_opt(&n, o->comm, K_COMM, o->comm_long ? o->comm_long : "name", "NAME",
		"only trace commands whose name contains NAME");
	add_opt(&n, o->disk, K_DISK, "disk", "DISK", "trace this disk only");
	add_opt(&n, o->timestamp, K_TIMESTAMP, "timestamp", NULL, "include timestamp on output");
	add_opt(&n, o->duration, K_DURATION, "duration", "DURATION",
		"total duration of trace in seconds (or with a ms, s, m or h suffix)");
	add_opt(&n, o->cgroup ? BCT_LONG_ONLY : 0, K_CGROUP, "cgroup", "PATH",
		"trace only tasks in this cgroup v2 directory (and its descendants)");
	add_opt(&n, o->cgroupmap ? BCT_LONG_ONLY : 0, K_CGROUPMAP, "cgroupmap", "CGROUPMAP",
		"trace cgroups in this BPF map only");
	add_opt(&n, o->cgroupmap ? BCT_LONG_ONLY : 0, K_MNTNSMAP, "mntnsmap", "MNTNSMAP",
		"trace mount namespaces in this BPF map only");
	add_opt(&n, o->exec ? BCT_LONG_ONLY : 0, K_EXEC, "exec", "CMD",
		"run CMD with the remaining arguments, trace only it, and exit when it exits");
	memset(&ps.shared[n], 0, sizeof(ps.shared[n]));
}

static error_t shared_parse(int key, char *arg, struct argp_state *state)
{
	const struct bct_tool_opts *o = &ps.args->shared;
	struct bct_env *env = ps.env;
	uint64_t v;

	if (key == ARGP_KEY_ARG) {
		char buf[96];

		if (!o->interval)
			argp_error(state, "unrecognized arguments: %s",
				   bct_arg_shown(arg, buf, sizeof(buf)));
		else
			bct_arg_interval_count(state, arg, &env->interval, &env->count);
	} else if (is_key(key, o->pid, K_PID)) {
		bct_arg_pid(state, arg, &env->filter.pid);
	} else if (is_key(key, o->tid, K_TID)) {
		bct_arg_pid(state, arg, &env->filter.tid);
	} else if (is_key(key, o->uid, K_UID)) {
		bct_arg_u64(state, "UID", arg, 0, UINT32_MAX - 1, &v);
		env->filter.uid = v;
		env->filter.has_uid = true;
	} else if (is_key(key, o->comm, K_COMM)) {
		env->filter.comm = arg;
	} else if (is_key(key, o->disk, K_DISK)) {
		env->filter.disk = arg;
	} else if (is_key(key, o->timestamp, K_TIMESTAMP)) {
		env->timestamp = true;
	} else if (is_key(key, o->duration, K_DURATION)) {
		bct_arg_duration_ms(state, arg, &env->duration_ms);
	} else if (o->cgroup && key == K_CGROUP) {
		env->filter.cgroup = arg;
	} else if (o->cgroupmap && key == K_CGROUPMAP) {
		env->filter.cgroupmap = arg;
	} else if (o->cgroupmap && key == K_MNTNSMAP) {
		env->filter.mntnsmap = arg;
	} else if (o->exec && key == K_EXEC) {
		/* CMD, then every remaining argument belongs to the command */
		int n = state->argc - state->next, i;

		env->exec_argv = calloc(n + 2, sizeof(*env->exec_argv));
		if (!env->exec_argv)
			argp_failure(state, 1, ENOMEM, "--exec");
		env->exec_argv[0] = arg;
		for (i = 0; i < n; i++)
			env->exec_argv[i + 1] = state->argv[state->next + i];
		state->next = state->argc;
	} else {
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The tool's declared options as argp's; -E2BIG when there are too many. */
static int build_own(const struct bct_opt *o)
{
	size_t n = 0;

	for (; o && o->key; o++) {
		if (n == MAX_OWN)
			return -E2BIG;
		/* no doc: an internal option, left out of --help */
		ps.own[n++] =
			(struct argp_option){ o->name, o->key, o->arg, o->doc ? 0 : OPTION_HIDDEN,
					      o->doc,  0 };
	}
	memset(&ps.own[n], 0, sizeof(ps.own[n]));
	return 0;
}

static const struct bct_opt *find_own(int key)
{
	const struct bct_opt *o;

	for (o = ps.args->opts; o && o->key; o++)
		if (o->key == key)
			return o;
	return NULL;
}

static error_t tool_parse(int key, char *arg, struct argp_state *state)
{
	const struct bct_opt *o = find_own(key);

	if (key == ARGP_KEY_INIT) {
		state->child_inputs[0] = ps.env;
		state->child_inputs[1] = &ps.env->common;
	}
	if (o && o->type == BCT_OPT_FLAG) {
		*(bool *)o->dest = true;
		return 0;
	}
	if (o && o->type == BCT_OPT_STRING) {
		*(const char **)o->dest = arg;
		return 0;
	}
	if (o && o->type == BCT_OPT_COUNT) {
		(*(int *)o->dest)++;
		return 0;
	}
	if (ps.args->parser)
		return ps.args->parser(key, arg, state);
	return ARGP_ERR_UNKNOWN;
}

error_t bct_no_args(int key, char *arg, struct argp_state *state)
{
	char buf[96];

	if (key != ARGP_KEY_ARG)
		return ARGP_ERR_UNKNOWN;
	argp_error(state, "unrecognized argument: '%s'", bct_arg_shown(arg, buf, sizeof(buf)));
	return 0;
}

int bct_tool_parse(const struct bct_tool_args *args, struct bct_env *env, int argc, char **argv)
{
	const struct argp shared = { .options = ps.shared, .parser = shared_parse };
	const struct argp_child children[] = {
		{ &shared, 0, NULL, 0 },
		{ &bct_common_argp, 0, NULL, 0 },
		{ 0 },
	};
	const struct argp argp = {
		.options = ps.own,
		.parser = tool_parse,
		.args_doc = args->args_doc,
		.doc = args->doc,
		.children = children,
	};

	ps.args = args;
	ps.env = env;
	build_shared(&args->shared);
	if (build_own(args->opts)) {
		pr_err("too many options (at most %d)", MAX_OWN);
		return 1;
	}
	if (argp_parse(&argp, argc, argv, 0, NULL, env))
		return 2;
	if (env->filter.disk && bct_disk_dev(env->filter.disk, &env->filter.dev)) {
		/* BCC's words exactly (it prints them on stdout; lib/ keeps to stderr) */
		fprintf(stderr, "no such disk '%s'\n", env->filter.disk);
		return 1;
	}
	if (env->exec_argv && (env->filter.pid || env->filter.tid)) {
		pr_err("--exec cannot be used with %s", env->filter.pid ? "-p/--pid" : "-t/--tid");
		return 1;
	}
	return 0;
}

/* --- session ------------------------------------------------------------------------------ */

int bct_session__init(struct bct_session *s, struct bct_env *env, const struct bct_needs *needs,
		      const struct bct_hook *hooks)
{
	struct bct_prog_opts po = {
		.src_name = needs->src_name,
		.common = &env->common,
		.hooks = hooks ?: needs->variants[0].hooks,
	};

	s->env = env;
	s->filter_fds = (struct bct_filter_fds)BCT_FILTER_FDS_INIT;
	s->child = (struct bct_child)BCT_CHILD_INIT;
	s->prog = bct_prog__new(&po);
	if (!s->prog) {
		int err = -errno;

		pr_err("cannot create BPF program: %s", strerror(-err));
		return err;
	}
	return 0;
}

static int add_defines(struct bct_session *s)
{
	int err = bct_filter_define(&s->env->filter, s->child.pid, s->prog);

	if (err) {
		pr_err("cannot set up the BPF program: %s", strerror(-err));
		return err;
	}
	err = s->add_defines ? s->add_defines(s->prog, s->ctx) : 0;
	if (err)
		pr_err("cannot set up the BPF program: %s", strerror(-err));
	return err;
}

int bct_session__print_source(struct bct_session *s)
{
	/* --exec: the process filter is the child's PID, known only later */
	return add_defines(s) ?: bct_prog__print_source(s->prog, stdout);
}

bool bct_serve_active, bct_serve_refused;

int bct_session__start(struct bct_session *s)
{
	int err;

	if (bct_serve_active && !s->served) {
		bct_serve_refused = true;
		return -EOPNOTSUPP;
	}
	err = bct_filter_open(&s->env->filter, &s->filter_fds, s->prog);
	if (err)
		return err;
	if (s->env->exec_argv) {
		err = bct_spawn_waiting(s->env->exec_argv, &s->child);
		if (err)
			return err;
	}
	bct_signals_install();
	err = add_defines(s);
	err = err ?: bct_prog__set_const(s->prog, "bct_self_tgid", getpid());
	err = err ?: bct_prog__load(s->prog);
	err = err ?: bct_filter_fill(&s->filter_fds, s->prog);
	if (!err && s->after_load)
		err = s->after_load(s->prog, s->ctx);
	if (!err && bct_exiting)
		err = -EINTR; /* a stop during compile or load: never attach */
	err = err ?: bct_prog__attach(s->prog);
	if (!err)
		bct_test_pause("traced");
	return err;
}

int bct_session__go(struct bct_session *s)
{
	return bct_child_go(&s->child);
}

bool bct_session__child_done(struct bct_session *s, int *err)
{
	return bct_child_done(&s->child, err);
}

uint64_t bct_session__missed(struct bct_session *s)
{
	return bct_prog__missed(s->prog);
}

void bct_session__warn_missed(struct bct_session *s, const char *what)
{
	uint64_t missed = bct_session__missed(s);

	if (missed)
		pr_warn("%" PRIu64
			" %s missed: the kernel skipped the BPF program, or refused it a "
			"map update, while another BPF program was running on the same CPU",
			missed, what);
}

void bct_session__stop(struct bct_session *s)
{
	bct_child_release(&s->child);
	bct_prog__destroy(s->prog);
	s->prog = NULL;
	bct_filter_close(&s->filter_fds);
	free(s->env->exec_argv);
	s->env->exec_argv = NULL;
}
