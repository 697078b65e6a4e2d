// SPDX-License-Identifier: Apache-2.0
/* The blocked-time stack tools' shared options and start: see stackopts.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "flame.h"
#include "signals.h"
#include "stackopts.h"

/* The option of BCC's group -p/-t/-u/-k given before key, if any. */
static const char *thread_opt(const struct bct_stackopts *o, int key)
{
	if (key != 'p' && o->have_tgid)
		return "-p/--pid";
	if (key != 't' && o->have_pid)
		return "-t/--tid";
	if (key != 'u' && o->user_threads)
		return "-u/--user-threads-only";
	if (key != 'k' && o->kernel_threads)
		return "-k/--kernel-threads-only";
	return NULL;
}

void bct_stackopts_exclusive(const struct bct_stackopts *o, int key, struct argp_state *state)
{
	const char *other = thread_opt(o, key);

	if (other)
		argp_error(state, "argument %s: not allowed with argument %s",
			   key == 'p' ? "-p/--pid" : "-t/--tid", other);
}

error_t bct_stackopts_parse(struct bct_stackopts *o, bool threads, int key, char *arg,
			    struct argp_state *state)
{
	const char *other;
	uint64_t v;

	switch (key) {
	case BCT_STACKOPT_K_STORAGE:
		bct_stack_arg_int(state, "--stack-storage-size", arg, true, 1 << 24, &o->storage);
		break;
	case 'm':
		bct_stack_arg_int(state, "-m/--min-block-time", arg, true, INT64_MAX, &o->min_us);
		break;
	case 'M':
		bct_stack_arg_int(state, "-M/--max-block-time", arg, true, INT64_MAX, &o->max_us);
		break;
	case BCT_STACKOPT_K_STATE:
		bct_stack_arg_int(state, "--state", arg, false, UINT32_MAX, &o->state);
		o->have_state = true;
		break;
	case ARGP_KEY_ARG:
		if (o->have_duration)
			argp_error(state, "unrecognized arguments: %s", arg);
		o->have_duration = true;
		bct_stack_arg_int(state, "duration", arg, true, UINT32_MAX, &v);
		o->duration = v;
		break;
	case ARGP_KEY_END:
		if (!threads)
			break;
		if (o->user_threads && (other = thread_opt(o, 'u')))
			argp_error(state,
				   "argument -u/--user-threads-only: not allowed with argument %s",
				   other);
		if (o->kernel_threads && (other = thread_opt(o, 'k')))
			argp_error(
				state,
				"argument -k/--kernel-threads-only: not allowed with argument %s",
				other);
		bct_stack_check_uk(o->user_only, o->kernel_only, state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

void bct_stack_check_uk(bool user_only, bool kernel_only, struct argp_state *state)
{
	if (user_only && kernel_only)
		argp_error(state, "argument -K/--kernel-stacks-only: not allowed with "
				  "argument -U/--user-stacks-only");
}

bool bct_stack_tool_start(struct bct_session *s, struct bct_env *kit, const struct bct_needs *needs,
			  const char *svg, int *rc)
{
	int err;

	if (bct_session__init(s, kit, needs, NULL)) {
		*rc = 1;
		return false;
	}
	if (kit->common.ebpf) {
		err = bct_session__print_source(s);
		bct_session__stop(s);
		*rc = err ? 1 : 0;
		return false;
	}
	if (svg && bct_flame_check_path(svg)) {
		bct_session__stop(s);
		*rc = 1;
		return false;
	}
	err = bct_session__start(s);
	if (!err)
		err = bct_session__go(s);
	if (err) {
		bct_session__stop(s);
		*rc = err == -EINTR && bct_exiting ? 0 : 1;
		return false;
	}
	return true;
}

bool bct_stackopts_start(const struct bct_stackopts *o, struct bct_session *s, struct bct_env *kit,
			 const struct bct_needs *needs, int *rc)
{
	kit->duration_ms = o->duration * 1000;
	return bct_stack_tool_start(s, kit, needs, o->svg, rc);
}

void bct_stackopts_head_end(const struct bct_stackopts *o)
{
	if (o->duration)
		printf(" for %" PRIu64 " secs.\n", o->duration);
	else
		printf("... Hit Ctrl-C to end.\n");
	fflush(stdout);
}
