/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The options BCC's blocked-time stack tools share (offcputime, offwaketime, wakeuptime), as
 * BCC spells them, and their common start:
 *
 *   static struct tool_env { struct bct_env kit; struct bct_stackopts so; ... } env =
 *	{ .so = BCT_STACKOPTS_INIT };
 *   opts[]: BCT_STACKOPTS_THREADS(&env.so), BCT_STACKOPTS_OUTPUT(&env.so),
 *	     BCT_STACKOPTS_LIMITS, BCT_STACKOPTS_STATE (each where the tool's help lists it)
 *   parse_arg(): the tool's own keys, then default: return bct_stackopts_parse(&env.so, ...)
 *
 * Keys 0x100 and 0x101 are taken (--stack-storage-size, --state).
 */
#ifndef BCT_STACKOPTS_H
#define BCT_STACKOPTS_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>

#include "stack.h"
#include "tool.h"

struct bct_session;
struct bct_needs;

struct bct_stackopts {
	uint64_t storage; /* --stack-storage-size */
	uint64_t min_us, max_us; /* -m, -M */
	bool have_state;
	uint64_t state; /* --state */
	bool have_duration;
	uint64_t duration; /* [duration] in seconds; 0: until Ctrl-C */
	/* BCC's mutually exclusive -p/-t/-u/-k and -U/-K (the tool sets have_tgid, have_pid) */
	bool have_tgid, have_pid;
	bool user_threads, kernel_threads; /* -u, -k */
	bool user_only, kernel_only; /* -U, -K */
	bool delimited; /* -d */
	bool folded; /* -f */
	const char *svg; /* --svg FILE */
};

#define BCT_STACKOPTS_INIT                                         \
	{                                                          \
		.storage = 1024, .min_us = 1, .max_us = UINT64_MAX \
	}

#define BCT_STACKOPT_K_STORAGE 0x100
#define BCT_STACKOPT_K_STATE 0x101

/* -u -k -U -K -d (offcputime, offwaketime) */
#define BCT_STACKOPTS_THREADS(o)                                                       \
	BCT_FLAG('u', "user-threads-only", &(o)->user_threads,                         \
		 "user threads only (no kernel threads)"),                             \
		BCT_FLAG('k', "kernel-threads-only", &(o)->kernel_threads,             \
			 "kernel threads only (no user threads)"),                     \
		BCT_FLAG('U', "user-stacks-only", &(o)->user_only,                     \
			 "show stacks from user space only (no kernel space stacks)"), \
		BCT_FLAG('K', "kernel-stacks-only", &(o)->kernel_only,                 \
			 "show stacks from kernel space only (no user space stacks)"), \
		BCT_FLAG('d', "delimited", &(o)->delimited,                            \
			 "insert delimiter between kernel/user stacks")

/* -f --svg */
#define BCT_STACKOPTS_OUTPUT(o) \
	BCT_FLAG('f', "folded", &(o)->folded, "output folded format"), BCT_STACK_SVG_OPT(&(o)->svg)

/* --stack-storage-size -m -M */
#define BCT_STACKOPTS_LIMITS                                                                 \
	BCT_CUSTOM(BCT_STACKOPT_K_STORAGE, "stack-storage-size", "STACK_STORAGE_SIZE",       \
		   "the number of unique stack traces that can be stored and displayed "     \
		   "(default 1024)"),                                                        \
		BCT_CUSTOM('m', "min-block-time", "MIN_BLOCK_TIME",                          \
			   "the amount of time in microseconds over which we store traces "  \
			   "(default 1)"),                                                   \
		BCT_CUSTOM('M', "max-block-time", "MAX_BLOCK_TIME",                          \
			   "the amount of time in microseconds under which we store traces " \
			   "(default U64_MAX)")

/* --state */
#define BCT_STACKOPTS_STATE                                                                   \
	BCT_CUSTOM(BCT_STACKOPT_K_STATE, "state", "STATE",                                    \
		   "filter on this thread state bitmask (eg, 2 == TASK_UNINTERRUPTIBLE) see " \
		   "include/linux/sched.h")

/*
 * Before -p or -t (key) is taken: BCC's "argument -p/--pid: not allowed with argument ..."
 * (argp_error(), exit 2) when another of -p/-t/-u/-k came first.
 */
void bct_stackopts_exclusive(const struct bct_stackopts *o, int key, struct argp_state *state);

/*
 * --stack-storage-size, -m, -M, --state and [duration]; with threads, at the end the checks of
 * BCC's exclusive groups -p/-t/-u/-k and -U/-K. ARGP_ERR_UNKNOWN for another key.
 */
error_t bct_stackopts_parse(struct bct_stackopts *o, bool threads, int key, char *arg,
			    struct argp_state *state);

/*
 * The stack tools' common start (kit->duration_ms set): the session of needs, --ebpf's source, --svg's path checked, the programs
 * loaded and attached. true when tracing (the tool prints its head and waits); false with the
 * exit code in *rc, the session stopped.
 */
/* BCC's refusal of -U with -K (argp_error(), exit 2). */
void bct_stack_check_uk(bool user_only, bool kernel_only, struct argp_state *state);

bool bct_stack_tool_start(struct bct_session *s, struct bct_env *kit, const struct bct_needs *needs,
			  const char *svg, int *rc);

/* bct_stack_tool_start() with o's duration and --svg. */
bool bct_stackopts_start(const struct bct_stackopts *o, struct bct_session *s, struct bct_env *kit,
			 const struct bct_needs *needs, int *rc);

/* The end of the head: " for N secs.\n" or "... Hit Ctrl-C to end.\n", flushed. */
void bct_stackopts_head_end(const struct bct_stackopts *o);

#endif
