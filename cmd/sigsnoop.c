// SPDX-License-Identifier: Apache-2.0
/*
 * sigsnoop: trace standard and real-time signals, one line per signal generated, or with -k
 * one per kill(2), tkill(2) and tgkill(2) call.
 *
 * Interface of libbpf-tools' sigsnoop by Hengqi Chen; written anew, with --exec, --cgroup,
 * --json, -s taking names and lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "log.h"
#include "prog.h"
#include "signames.h"
#include "sigsnoop.h"

static struct sigsnoop_env {
	struct bct_env kit; /* the shared options: -p, --cgroup, --exec, --json... */
	bool failed;
	bool kill_only;
	bool names;
	uint64_t sigs; /* -s: bit n-1 for signal n; 0: any */
} env;

static const struct bct_opt opts[] = {
	BCT_FLAG('x', "failed", &env.failed, "Trace failed signals only."),
	BCT_FLAG('k', "kill", &env.kill_only, "Trace signals issued by kill syscall only."),
	BCT_FLAG('n', "name", &env.names, "Output signal name instead of signal number."),
	BCT_CUSTOM('s', "signal", "SIGNAL",
		   "Signals to trace: numbers or names, separated by commas."),
	{ 0 },
};

static const char doc[] = "Trace standard and real-time signals.\n"
			  "\v"
			  "EXAMPLES:\n"
			  "    sigsnoop             # trace signals system-wide\n"
			  "    sigsnoop -k          # trace signals issued by kill syscall only\n"
			  "    sigsnoop -x          # trace failed signals only\n"
			  "    sigsnoop -p 1216     # only trace PID 1216\n"
			  "    sigsnoop -s 9        # only trace signal 9\n"
			  "    sigsnoop -s 1,9,TERM # only trace signals 1, 9 and 15\n"
			  "    sigsnoop -n --exec ./stop.sh  # run stop.sh, trace only it\n"
			  "    sigsnoop --json      # one JSON object per signal\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *list, *tok, *save = NULL;
	int sig;

	switch (key) {
	case 's':
		list = strdup(arg);
		if (!list)
			argp_failure(state, 1, ENOMEM, "-s");
		for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			sig = bct_sig_parse(tok);
			if (sig < 1)
				argp_error(state, "invalid signal: '%s'", tok);
			env.sigs |= 1ULL << (sig - 1);
		}
		free(list);
		if (!env.sigs)
			argp_error(state, "invalid signal: '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.doc = doc,
	.shared = { .pid = 'p', .cgroup = true, .exec = true },
};

/* --- attach methods: every program in bpf-src/sigsnoop.bpf.c ---------------------------- */

static const struct bct_method gen_methods[] = {
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_signal_generate", "tracepoint/signal/signal_generate")) },
	{ NULL },
};

static const struct bct_method kill_methods[] = {
	{ .name = "tracepoint",
	  .progs = BCT_PROGS(BCT_PROG("tp_kill", "tracepoint/syscalls/sys_exit_kill")),
	  .optional_progs =
		  BCT_PROGS(BCT_PROG("tp_tkill", "tracepoint/syscalls/sys_exit_tkill"),
			    BCT_PROG("tp_tgkill", "tracepoint/syscalls/sys_exit_tgkill")) },
	{ NULL },
};

static const struct bct_hook gen_hooks[] = {
	{ "signal generation", gen_methods, false },
	{ NULL, NULL, false },
};

static const struct bct_hook kill_hooks[] = {
	{ "kill syscalls", kill_methods, false },
	{ NULL, NULL, false },
};

const struct bct_needs needs_sigsnoop = {
	.src_name = "sigsnoop.bpf.c",
	.variants =
		(const struct bct_variant[]){ { "", gen_hooks }, { "-k", kill_hooks }, { NULL } },
};

/* --- output ------------------------------------------------------------------------------- */

/*
 * libbpf-tools' "%-8s %-7d %-16s %-9d %-7d %-6d" (-n: the signal's name as "%-9s"); JSON
 * carries the number and the name apart.
 */
static const struct bct_col cols[] = {
	{ "TIME", "time", 8, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "PID", "pid", 7, BCT_COL_UINT, BCT_COL_LEFT, 0 },
	{ "COMM", "comm", 16, BCT_COL_STR, BCT_COL_LEFT, 0 },
	{ "SIG", "sig_text", 9, BCT_COL_STR, BCT_COL_LEFT | BCT_COL_TEXT_ONLY, 0 },
	{ "SIG", "sig", 0, BCT_COL_INT, BCT_COL_JSON_ONLY, 0 },
	{ "SIGNAME", "signame", 0, BCT_COL_STR, BCT_COL_JSON_ONLY, 0 }, /* absent: no name */
	{ "TPID", "tpid", 7, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ "RESULT", "result", 6, BCT_COL_INT, BCT_COL_LEFT, 0 },
	{ NULL },
};

static int on_event(void *ctx, struct bct_out *out, const void *data, size_t size)
{
	const struct sigsnoop_event *e = data;
	const char *name;
	char ts[16], num[16];
	time_t now;

	if (size < sizeof(*e))
		return 0;
	now = time(NULL);
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	name = e->sig == 0 ? "N/A" : bct_signame(e->sig);
	snprintf(num, sizeof(num), "%d", e->sig);
	bct_out__str(out, ts);
	bct_out__uint(out, e->pid);
	bct_out__strn(out, e->comm, sizeof(e->comm));
	bct_out__str(out, env.names && name ? name : num);
	bct_out__int(out, e->sig);
	if (e->sig > 0 && name)
		bct_out__str(out, name);
	else
		bct_out__none(out);
	bct_out__int(out, e->tpid);
	bct_out__int(out, e->ret);
	return bct_out__end(out);
}

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err = 0;

	if (env.kill_only)
		err = bct_prog__define(p, "SIGSNOOP_KILL", NULL);
	if (env.failed)
		err = err ?: bct_prog__define(p, "FILTER_FAILED", NULL);
	if (env.sigs)
		err = err
			      ?: bct_prog__define(p, "FILTER_SIGS", "0x%llxULL",
						  (unsigned long long)env.sigs);
	return err;
}

int cmd_sigsnoop(int argc, char **argv)
{
	struct bct_event_tool tool = { .cols = cols, .on_event = on_event };
	struct bct_session s = { .add_defines = add_defines };
	int rc;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (bct_session__init(&s, &env.kit, &needs_sigsnoop,
			      env.kill_only ? kill_hooks : gen_hooks))
		return 1;
	return bct_events_run(&s, &tool);
}
