// SPDX-License-Identifier: Apache-2.0
/*
 * offcputime: summarize the time threads spend off CPU by the stack trace where they left it,
 * printed at the end as BCC does (text, folded, or --json).
 *
 * Interface of BCC's offcputime by Brendan Gregg; written anew, with --json. The kernel sums
 * the microseconds per (thread, command, kernel stack, user stack) (bpf-src/offcputime.bpf.c);
 * lib/stack.h reads and symbolizes them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/types.h>

#include "cmd.h"
#include "flame.h"
#include "log.h"
#include "out.h"
#include "offcputime.h"
#include "prog.h"
#include "signals.h"
#include "stack.h"
#include "stackcounts.h"
#include "stackopts.h"
#include "tool.h"

static struct offcpu_env {
	struct bct_env kit; /* --json... */
	uint64_t tgid; /* -p */
	uint64_t pid; /* -t */
	struct bct_stackopts so;
} env = { .so = BCT_STACKOPTS_INIT };

static const struct bct_opt opts[] = {
	BCT_CUSTOM('p', "pid", "PID", "trace this PID only"),
	BCT_CUSTOM('t', "tid", "TID", "trace this TID only"),
	BCT_STACKOPTS_THREADS(&env.so),
	BCT_STACKOPTS_OUTPUT(&env.so),
	BCT_STACKOPTS_LIMITS,
	BCT_STACKOPTS_STATE,
	{ 0 },
};

static const char doc[] =
	"Summarize off-CPU time by stack trace\n"
	"\v"
	"examples:\n"
	"    offcputime             # trace off-CPU stack time until Ctrl-C\n"
	"    offcputime 5           # trace for 5 seconds only\n"
	"    offcputime -f 5        # 5 seconds, and output in folded format\n"
	"    offcputime -m 1000     # trace only events that last more than 1000 usec\n"
	"    offcputime -M 10000    # trace only events that last less than 10000 usec\n"
	"    offcputime -p 185      # only trace threads for PID 185\n"
	"    offcputime -t 188      # only trace thread 188\n"
	"    offcputime -u          # only trace user threads (no kernel)\n"
	"    offcputime -k          # only trace kernel threads (no user)\n"
	"    offcputime -U          # only show user space stacks (no kernel)\n"
	"    offcputime -K          # only show kernel space stacks (no user)\n"
	"    offcputime --json 5    # one JSON object per stack\n";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		bct_stackopts_exclusive(&env.so, 'p', state);
		bct_stack_arg_int(state, "-p/--pid", arg, false, UINT32_MAX, &env.tgid);
		env.so.have_tgid = true;
		break;
	case 't':
		bct_stackopts_exclusive(&env.so, 't', state);
		bct_stack_arg_int(state, "-t/--tid", arg, false, UINT32_MAX, &env.pid);
		env.so.have_pid = true;
		break;
	default:
		return bct_stackopts_parse(&env.so, true, key, arg, state);
	}
	return 0;
}

static const struct bct_tool_args args = {
	.opts = opts,
	.parser = parse_arg,
	.args_doc = "[duration]",
	.doc = doc,
};

/* --- attach methods: every program in bpf-src/offcputime.bpf.c ---------------------------- */

static const struct bct_method methods[] = {
	{ .name = "kprobe",
	  .progs = BCT_PROGS(BCT_PROG("oncpu_kprobe", "kprobe/finish_task_switch.isra.0")) },
	{ .name = "tp_btf",
	  .progs = BCT_PROGS(BCT_PROG("oncpu_btf", "tp_btf/sched_switch")),
	  .approx = "kernel stacks end at __schedule, not finish_task_switch" },
	{ .name = "raw_tp",
	  .progs = BCT_PROGS(BCT_PROG("oncpu_raw", "raw_tp/sched_switch")),
	  .approx = "kernel stacks end at __schedule, not finish_task_switch" },
	{ NULL },
};

static const struct bct_hook hooks[] = { { "context switches", methods, false }, { NULL } };

const struct bct_needs needs_offcputime = {
	.src_name = "offcputime.bpf.c",
	.variants = (const struct bct_variant[]){ { "", hooks }, { NULL } },
};

/* --- set-up ------------------------------------------------------------------------------- */

static int add_defines(struct bct_prog *p, void *ctx)
{
	int err;

	(void)ctx;
	err = bct_prog__define(p, "BCT_STACK_STORAGE", "%" PRIu64, env.so.storage);
	err = err ?: bct_prog__define(p, "OFFCPU_MIN_US", "%" PRIu64 "ULL", env.so.min_us);
	err = err ?: bct_prog__define(p, "OFFCPU_MAX_US", "%" PRIu64 "ULL", env.so.max_us);
	if (env.so.have_tgid)
		err = err ?: bct_prog__define(p, "OFFCPU_TGID", "%" PRIu64, env.tgid);
	else if (env.so.have_pid)
		err = err ?: bct_prog__define(p, "OFFCPU_PID", "%" PRIu64, env.pid);
	else if (env.so.user_threads)
		err = err ?: bct_prog__define(p, "OFFCPU_USER_THREADS", NULL);
	else if (env.so.kernel_threads)
		err = err ?: bct_prog__define(p, "OFFCPU_KERNEL_THREADS", NULL);
	if (env.so.have_state)
		err = err ?: bct_prog__define(p, "OFFCPU_STATE", "%" PRIu64, env.so.state);
	if (env.so.user_only)
		err = err ?: bct_prog__define(p, "BCT_STACK_NO_KERNEL", NULL);
	if (env.so.kernel_only)
		err = err ?: bct_prog__define(p, "BCT_STACK_NO_USER", NULL);
	return err;
}

/* --- output ------------------------------------------------------------------------------- */

/* Loads the kernel symbols while the tool samples, not once it stops. */
static int stacks_init(struct bct_session *s, struct bct_stacks *st)
{
	struct bct_stack_fmt fmt = {
		.user_only = env.so.user_only,
		.kernel_only = env.so.kernel_only,
		.delimited = env.so.delimited,
		.folded = env.so.folded,
		.svg = env.so.svg,
		.svg_title = "Off-CPU Time Flame Graph",
		.svg_unit = "us",
		.json = env.kit.common.json,
		.value_key = "total_us",
		.json_tid = true,
	};

	return bct_stacks_init(st, &fmt, bct_prog__map_fd(s->prog, "stack_traces"));
}

static void key_to_rec(void *key, uint64_t value, struct bct_stack_rec *r)
{
	struct offcpu_key *k = key;

	k->comm[OFFCPU_COMM_LEN - 1] = '\0';
	*r = (struct bct_stack_rec){
		.comm = k->comm,
		.pid = k->pid,
		.sym_pid = k->tgid,
		.user_id = k->user_stack_id,
		.kernel_id = k->kernel_stack_id,
		.value = value,
	};
}

static int print_stacks(struct bct_stack_counts *c, struct bct_stacks *st)
{
	int err = bct_stack_counts_print(c, st);

	if (st->missing)
		fprintf(stderr,
			"WARNING: %" PRIu64 " stack traces lost and could not be displayed.%s\n",
			st->missing,
			st->enomem ? " Consider increasing --stack-storage-size." : "");
	return err;
}

int cmd_offcputime(int argc, char **argv)
{
	struct bct_stacks st;
	struct bct_session s = { .add_defines = add_defines };
	struct bct_stack_counts counts;
	char what[64];
	int rc, err;

	rc = bct_tool_parse(&args, &env.kit, argc, argv);
	if (rc)
		return rc;
	if (env.so.kernel_threads && env.so.user_only) {
		fprintf(stderr, "ERROR: Displaying user stacks for kernel threads doesn't make "
				"sense.\n");
		return 2;
	}
	if (!bct_stackopts_start(&env.so, &s, &env.kit, &needs_offcputime, &rc))
		return rc;
	if (stacks_init(&s, &st)) {
		bct_session__stop(&s);
		return 1;
	}
	if (bct_stack_counts_init(&counts, bct_prog__map_fd(s.prog, "counts"),
				  sizeof(struct offcpu_key), OFFCPU_MAX_KEYS, key_to_rec)) {
		bct_stacks_free(&st);
		bct_session__stop(&s);
		return 1;
	}
	bct_out__bulk_stdout();
	if (!env.so.folded && !env.kit.common.json) {
		if (env.so.have_tgid)
			snprintf(what, sizeof(what), "PID %" PRIu64, env.tgid);
		else if (env.so.have_pid)
			snprintf(what, sizeof(what), "TID %" PRIu64, env.pid);
		else if (env.so.user_threads)
			snprintf(what, sizeof(what), "user threads");
		else if (env.so.kernel_threads)
			snprintf(what, sizeof(what), "kernel threads");
		else
			snprintf(what, sizeof(what), "all threads");
		printf("Tracing off-CPU time (us) of %s by %s stack", what,
		       env.so.user_only	    ? "user"
		       : env.so.kernel_only ? "kernel"
					    : "user + kernel");
		bct_stackopts_head_end(&env.so);
	}
	/* while it samples: the stop is only reading and printing the stacks */
	bct_prog__store_core(s.prog);
	bct_stack_counts_wait(&counts, &st, env.kit.duration_ms);
	if (!env.so.folded && !env.kit.common.json)
		putchar('\n');
	err = print_stacks(&counts, &st);
	bct_stack_counts_free(&counts);
	bct_stacks_free(&st);
	bct_session__stop(&s);
	return err ? 1 : 0;
}
